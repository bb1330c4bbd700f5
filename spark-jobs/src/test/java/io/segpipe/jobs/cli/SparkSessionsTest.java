package io.segpipe.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings segpipe starts Spark with: its defaults, the user's overrides and application name, the standalone secret. */
class SparkSessionsTest {
    @TempDir
    Path dir;

    private static SparkConf conf(SparkConf base, String master, Map<String, String> env) {
        return SparkSessions.conf(base, "segpipe test", master, env);
    }

    @Test
    void theUiKillLinksAreOffUnlessTurnedOn() {
        SparkConf defaults = conf(new SparkConf(false), "local[2]", Map.of());
        assertEquals("false", defaults.get("spark.ui.killEnabled"));
        assertEquals("127.0.0.1", defaults.get("spark.driver.bindAddress"));
        SparkConf on = conf(new SparkConf(false).set("spark.ui.killEnabled", "true"), null, Map.of());
        assertEquals("true", on.get("spark.ui.killEnabled"), "the user's setting wins");
    }

    private static SparkConf standalone() {
        return new SparkConf(false).setMaster("spark://10.0.0.1:7077").set("spark.authenticate", "true");
    }

    @Test
    void aStandaloneDriverTakesTheSecretFromTheFileOrVariableNamedInTheEnvironment() throws IOException {
        Path file = Files.writeString(dir.resolve("secret"), "s3cr3t-from-file\n");
        assertEquals("s3cr3t-from-file", conf(standalone(), null,
                Map.of(StandaloneSecret.FILE_ENV, file.toString())).get(StandaloneSecret.SECRET));
        assertEquals("s3cr3t-from-env", conf(standalone(), null,
                Map.of(StandaloneSecret.VALUE_ENV, "s3cr3t-from-env")).get(StandaloneSecret.SECRET));
        assertEquals("kept", conf(standalone().set(StandaloneSecret.SECRET, "kept"), null,
                Map.of(StandaloneSecret.VALUE_ENV, "other")).get(StandaloneSecret.SECRET), "a configured secret wins");
    }

    @Test
    void aStandaloneDriverWithoutAUsableSecretStopsWithOneMessage() throws IOException {
        assertEquals("spark.authenticate is on for the standalone master spark://10.0.0.1:7077 but no secret is given:"
                + " set SEGPIPE_SPARK_AUTH_SECRET_FILE (a file only you can read) or SEGPIPE_SPARK_AUTH_SECRET"
                + " (deploy/README.md, \"Authentication\")",
                assertThrows(UserException.class, () -> conf(standalone(), null, Map.of())).getMessage());
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertEquals("the Spark authentication secret from the file " + empty + " (SEGPIPE_SPARK_AUTH_SECRET_FILE) is empty",
                assertThrows(UserException.class, () -> conf(standalone(), null,
                        Map.of(StandaloneSecret.FILE_ENV, empty.toString()))).getMessage());
        Path missing = dir.resolve("missing");
        assertEquals("cannot read the Spark authentication secret from the file " + missing
                        + " (SEGPIPE_SPARK_AUTH_SECRET_FILE): java.nio.file.NoSuchFileException: " + missing,
                assertThrows(UserException.class, () -> conf(standalone(), null,
                        Map.of(StandaloneSecret.FILE_ENV, missing.toString()))).getMessage());
    }

    @Test
    void yarnKubernetesLocalAndUnauthenticatedRunsAreLeftToSpark() {
        Map<String, String> env = Map.of(StandaloneSecret.VALUE_ENV, "s3cr3t");
        for (String master : new String[] {"yarn", "k8s://https://api:6443", "local[2]"}) {
            SparkConf c = conf(new SparkConf(false).set("spark.authenticate", "true"), master, env);
            assertFalse(c.contains(StandaloneSecret.SECRET), master + " makes its own secret per application");
        }
        assertFalse(conf(new SparkConf(false).setMaster("spark://h:7077"), null, env).contains(StandaloneSecret.SECRET),
                "authentication off");
    }

    @Test
    void theNameGivenToSparkSubmitIsKept() {
        String previous = System.setProperty("spark.app.name", "nightly camvid retrain"); // what spark-submit --name sets
        try {
            assertEquals("nightly camvid retrain", SparkSessions.named(new SparkConf(), "segpipe retrain").get("spark.app.name"));
        } finally {
            if (previous == null) {
                System.clearProperty("spark.app.name");
            } else {
                System.setProperty("spark.app.name", previous);
            }
        }
    }

    @Test
    void withoutAChosenNameTheCommandNamesTheApplication() {
        assertEquals("segpipe train", SparkSessions.named(new SparkConf(false), "segpipe train").get("spark.app.name"));
        // spark-submit without --name names the application after the main class
        SparkConf submitted = new SparkConf(false).setAppName(Segpipe.class.getName());
        assertEquals("segpipe train", SparkSessions.named(submitted, "segpipe train").get("spark.app.name"));
    }
}
