package io.segpipe.jobs.train;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a run whose Spark application has had no executor for {@code maxSecondsWithoutExecutors}.
 * When every worker dies, Spark does not fail the job: the scheduler keeps its tasks pending
 * until executors register again, so the driver would wait forever. Once a second the watchdog
 * asks the scheduler how many executors are registered; after the limit without any it cancels
 * every Spark job of the application (and keeps cancelling any new one: {@link JobCanceller}), so
 * the driver's call fails at once, and {@link #fired()} tells the caller why.
 *
 * <p>Off for {@code local[...]} masters (the tasks run in the driver; the scheduler has no
 * executor list) and for a limit of 0.
 */
final class ExecutorWatchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorWatchdog.class);
    private static final long POLL_MILLIS = 1000;

    private final long limitNanos;
    private final int limitSeconds;
    private final IntSupplier executors;
    private final LongSupplier clock;
    private final JobCanceller canceller;
    private long noneSince = -1;

    /**
     * @param limitSeconds  seconds without executors before {@code cancelAllJobs}; 0 = never
     * @param executors     executors registered now
     * @param clock         nanoseconds, monotonic
     * @param cancelAllJobs cancels every running Spark job
     * @param poll          check once a second on a daemon thread (false: the caller calls {@link #check})
     */
    ExecutorWatchdog(int limitSeconds, IntSupplier executors, LongSupplier clock, Runnable cancelAllJobs, boolean poll) {
        this.limitSeconds = limitSeconds;
        this.limitNanos = TimeUnit.SECONDS.toNanos(limitSeconds);
        this.executors = executors;
        this.clock = clock;
        this.canceller = new JobCanceller("segpipe-executor-watchdog", this::lostTooLong, cancelAllJobs,
                poll && limitSeconds > 0 ? POLL_MILLIS : 0);
    }

    /** A watchdog over {@code sc}'s executors, polling; inactive for a local master or a limit of 0. */
    static ExecutorWatchdog start(SparkContext sc, int limitSeconds) {
        boolean active = limitSeconds > 0 && !sc.isLocal();
        return new ExecutorWatchdog(active ? limitSeconds : 0, () -> sc.getExecutorIds().size(), System::nanoTime,
                sc::cancelAllJobs, active);
    }

    /** One check: starts, continues or resets the time without executors, and cancels once it is over the limit. */
    void check() {
        canceller.check();
    }

    /** True once the spell without executors reaches the limit; logs its start, end and end of patience. */
    private boolean lostTooLong() {
        if (limitSeconds == 0) {
            return false;
        }
        long now = clock.getAsLong();
        if (executors.getAsInt() > 0) {
            if (noneSince >= 0) {
                LOG.info("An executor registered again; training goes on");
            }
            noneSince = -1;
        } else if (noneSince < 0) {
            noneSince = now;
            LOG.warn("The application has no executor (workers lost?); training stops if none registers within {} s"
                    + " (maxSecondsWithoutExecutors)", limitSeconds);
        } else if (now - noneSince >= limitNanos) {
            LOG.error("No executor for {} s: cancelling the application's Spark jobs", limitSeconds);
            return true;
        }
        return false;
    }

    /**
     * Runs {@code work}; when it fails after the watchdog {@link #fired()}, throws {@link #lost}
     * instead, naming what the run leaves ({@code left}, asked for then). Any other failure passes
     * through unchanged.
     */
    <T> T guard(JobCanceller.Work<T> work, JobCanceller.Work<String> left) throws IOException {
        return canceller.guard(work, e -> {
            try {
                return lost(e, left.run());
            } catch (IOException io) {
                e.addSuppressed(io);
                return lost(e, "what it left could not be listed (" + io.getMessage() + ")");
            }
        });
    }

    /** True once the limit passed without executors and the jobs were cancelled. */
    boolean fired() {
        return canceller.fired();
    }

    /**
     * The exception that ends the run after {@link #fired()}: one message saying what happened and
     * what is left ({@code left}, e.g. the newest checkpoint and how to resume).
     */
    ExecutorsLostException lost(Throwable cause, String left) {
        return new ExecutorsLostException("no executor for " + limitSeconds + " s (maxSecondsWithoutExecutors): the"
                + " cluster lost every executor of this application (or granted none); training stopped and wrote no"
                + " model; " + left, cause);
    }

    @Override
    public void close() {
        canceller.close();
    }
}
