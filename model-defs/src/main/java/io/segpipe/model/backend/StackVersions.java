package io.segpipe.model.backend;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Versions of the jars on the class path, as their Maven builds recorded them. */
public final class StackVersions {

    private StackVersions() {
    }

    /** The version in {@code META-INF/maven/<group>/<artifact>/pom.properties}, or "unknown" (e.g. in an IDE). */
    public static String maven(String group, String artifact) {
        String resource = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = StackVersions.class.getResourceAsStream(resource)) {
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

    /** DL4J's (and ND4J's) version. */
    public static String dl4j() {
        return maven("org.deeplearning4j", "deeplearning4j-nn");
    }
}
