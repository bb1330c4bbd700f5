package io.segpipe.prep.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * The Spark jobs started while it is open, with their descriptions ({@code spark.job.description},
 * null when none was set), as the Spark UI and the event log show them.
 */
public final class SparkJobs implements AutoCloseable {
    private final SparkContext sc;
    private final List<String> descriptions = Collections.synchronizedList(new ArrayList<>());
    private final SparkListener listener = new SparkListener() {
        @Override
        public void onJobStart(SparkListenerJobStart event) {
            descriptions.add(event.properties() == null ? null : event.properties().getProperty("spark.job.description"));
        }
    };

    private SparkJobs(SparkContext sc) {
        this.sc = sc;
        sc.addSparkListener(listener);
    }

    /** Starts recording the jobs of {@code sc}. */
    public static SparkJobs record(SparkContext sc) {
        return new SparkJobs(sc);
    }

    /** The description of every job started so far, in order (after Spark delivered their events). */
    public List<String> descriptions() {
        try {
            sc.listenerBus().waitUntilEmpty();
        } catch (TimeoutException e) {
            throw new IllegalStateException("Spark's listener bus did not drain", e);
        }
        synchronized (descriptions) {
            return new ArrayList<>(descriptions);
        }
    }

    @Override
    public void close() {
        sc.removeSparkListener(listener);
    }
}
