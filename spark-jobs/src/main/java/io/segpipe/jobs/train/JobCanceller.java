package io.segpipe.jobs.train;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a run from outside the driver's call when a condition holds: polls the condition on a daemon
 * thread and, once it holds, cancels every Spark job of the application (and keeps cancelling any
 * new one), so the call fails at once; {@link #guard} turns that failure into the caller's own
 * exception. The conditions: no executor for too long ({@link ExecutorWatchdog}), a time budget
 * spent before the first epoch ended ({@link EpochDeadline}).
 */
final class JobCanceller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobCanceller.class);

    private final BooleanSupplier condition;
    private final Runnable cancelAllJobs;
    private final ScheduledExecutorService timer;
    private volatile boolean fired;

    /** Driver-side work that may fail with an IOException (or any exception Spark or DL4J throws). */
    @FunctionalInterface
    interface Work<T> {
        T run() throws IOException;
    }

    /**
     * @param name          the polling thread's name
     * @param condition     true once the run must end; may log why
     * @param cancelAllJobs cancels every running Spark job
     * @param pollMillis    how often a daemon thread checks; 0 = never (the caller calls {@link #check})
     */
    JobCanceller(String name, BooleanSupplier condition, Runnable cancelAllJobs, long pollMillis) {
        this.condition = condition;
        this.cancelAllJobs = cancelAllJobs;
        if (pollMillis > 0) {
            this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::checkLogged, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
        } else {
            this.timer = null;
        }
    }

    /** One check: cancels once the condition holds, and again on every later check. */
    synchronized void check() {
        if (fired) {
            cancelAllJobs.run(); // a job started after the first cancellation would run on
            return;
        }
        if (condition.getAsBoolean()) {
            fired = true;
            cancelAllJobs.run();
        }
    }

    private void checkLogged() {
        try {
            check();
        } catch (RuntimeException e) {
            // a failed check must not end the schedule: the next one may succeed
            LOG.warn("{} check failed: {}", Thread.currentThread().getName(), e.toString());
        }
    }

    /**
     * Runs {@code work}; when it fails after the condition held, throws {@code failure} of that
     * failure instead. Any other failure passes through unchanged.
     */
    <T> T guard(Work<T> work, Function<Exception, ? extends RuntimeException> failure) throws IOException {
        try {
            return work.run();
        } catch (Exception e) { // also Spark's checked SparkException, which Spark's and DL4J's Scala code throw undeclared
            if (fired) {
                throw failure.apply(e);
            }
            throw e;
        }
    }

    /** True once the condition held and the jobs were cancelled. */
    boolean fired() {
        return fired;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
