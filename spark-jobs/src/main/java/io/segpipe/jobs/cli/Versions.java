package io.segpipe.jobs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import picocli.CommandLine;

/** Versions of segpipe and the stack it runs on, read from the jars on the class path. */
public final class Versions implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"segpipe " + segpipe(), "Spark " + spark() + ", Scala " + scala() + ", DL4J " + dl4j()
                + ", Java " + Runtime.version()};
    }

    public static String segpipe() {
        return mavenVersion("io.segpipe", "spark-jobs");
    }

    public static String spark() {
        try {
            return org.apache.spark.package$.MODULE$.SPARK_VERSION();
        } catch (LinkageError e) {
            return "not on the class path";
        }
    }

    public static String scala() {
        try {
            return scala.util.Properties.versionNumberString();
        } catch (LinkageError e) {
            return "not on the class path";
        }
    }

    public static String dl4j() {
        return mavenVersion("org.deeplearning4j", "deeplearning4j-nn");
    }

    static String mavenVersion(String group, String artifact) {
        String resource = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = Versions.class.getResourceAsStream(resource)) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
