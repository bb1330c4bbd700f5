package io.segpipe.jobs.cli;

import picocli.CommandLine;

/** Versions of segpipe and the stack it runs on, read from the jars on the class path. */
public final class Versions implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"segpipe " + segpipe(), "Spark " + spark() + ", Scala " + scala() + ", DL4J " + dl4j()
                + ", Java " + Runtime.version()};
    }

    public static String segpipe() {
        return io.segpipe.jobs.model.Provenance.segpipeVersion();
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
        return io.segpipe.model.backend.StackVersions.dl4j();
    }
}
