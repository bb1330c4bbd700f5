package io.segpipe.prep.progress;

import org.apache.spark.SparkContext;

/**
 * The description ({@code spark.job.description}) of every Spark job the current thread starts
 * while it is open; closing it restores the description that was set before, so a job can name its
 * phases inside a description its caller set:
 *
 * <pre>{@code
 * try (JobDescription d = JobDescription.set(spark.sparkContext(), "segpipe eval: evaluate split val")) {
 *     rdd.treeAggregate(...);
 * }
 * }</pre>
 *
 * The Spark UI lists jobs by it, and event logs record it with every job.
 */
public final class JobDescription implements AutoCloseable {
    private static final String KEY = "spark.job.description";

    private final SparkContext sc;
    private final String previous;

    private JobDescription(SparkContext sc, String previous) {
        this.sc = sc;
        this.previous = previous;
    }

    /** Describes the jobs this thread starts as {@code description} until {@link #close}. */
    public static JobDescription set(SparkContext sc, String description) {
        JobDescription scope = new JobDescription(sc, sc.getLocalProperty(KEY));
        sc.setJobDescription(description);
        return scope;
    }

    /** The description jobs of this thread get now, or null. */
    public static String current(SparkContext sc) {
        return sc.getLocalProperty(KEY);
    }

    /** Restores the description set before (none, if there was none). */
    @Override
    public void close() {
        sc.setJobDescription(previous);
    }
}
