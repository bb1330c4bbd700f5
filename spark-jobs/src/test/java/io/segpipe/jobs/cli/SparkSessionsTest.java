package io.segpipe.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The application name a user gives spark-submit (--name) is the one Spark shows; otherwise the command's. */
class SparkSessionsTest {

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
