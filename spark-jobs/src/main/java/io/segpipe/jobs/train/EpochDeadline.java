package io.segpipe.jobs.train;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.prep.progress.Progress;

/**
 * Ends a run whose time budget ({@code maxMinutes}) is shorter than one epoch. The budget is
 * otherwise kept between epochs ({@link TimeBudget#anotherEpochExceeds}), which needs one finished
 * epoch to stop after; when the budget runs out before the call's first epoch has finished, no
 * model can come out within it, so four times a second this checks the budget and, when it is spent with
 * no epoch finished, cancels every Spark job of the application (and any new one) so the driver's
 * call fails at once, and {@link #guard} turns that failure into one message naming the option.
 */
final class EpochDeadline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EpochDeadline.class);
    private static final long POLL_MILLIS = 250;

    private final TimeBudget budget;
    private final double maxMinutes;
    private final Runnable cancelAllJobs;
    private final ScheduledExecutorService timer;
    private volatile boolean fired;

    /**
     * @param budget        the call's budget, whose clock this reads
     * @param maxMinutes    the budget's length; 0 = none, never fires
     * @param cancelAllJobs cancels every running Spark job
     * @param poll          check four times a second on a daemon thread (false: the caller calls {@link #check})
     */
    EpochDeadline(TimeBudget budget, double maxMinutes, Runnable cancelAllJobs, boolean poll) {
        this.budget = budget;
        this.maxMinutes = maxMinutes;
        this.cancelAllJobs = cancelAllJobs;
        if (poll && maxMinutes > 0) {
            this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "segpipe-epoch-deadline");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::checkLogged, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            this.timer = null;
        }
    }

    /** A deadline over {@code sc}'s jobs for the call's budget, polling; inactive without a budget. */
    static EpochDeadline start(SparkContext sc, TimeBudget budget, double maxMinutes) {
        return new EpochDeadline(budget, maxMinutes, sc::cancelAllJobs, true);
    }

    /** One check: cancels once the budget is spent before the call's first epoch finished. */
    synchronized void check() {
        if (fired) {
            cancelAllJobs.run(); // a job started after the first cancellation would run on
            return;
        }
        if (maxMinutes > 0 && budget.epochsFinished() == 0 && budget.remainingSeconds() == 0) {
            fired = true;
            LOG.error("maxMinutes={} spent before the first epoch finished: cancelling the application's Spark jobs",
                    fmt(maxMinutes));
            cancelAllJobs.run();
        }
    }

    private void checkLogged() {
        try {
            check();
        } catch (RuntimeException e) {
            // a failed check must not end the schedule: the next one may succeed
            LOG.warn("Epoch deadline check failed: {}", e.toString());
        }
    }

    /**
     * Runs {@code work}; when it fails after the deadline {@link #fired()}, throws the budget's
     * message instead. Any other failure passes through unchanged.
     */
    <T> T guard(ExecutorWatchdog.Work<T> work) throws IOException {
        try {
            return work.run();
        } catch (Exception e) { // also Spark's checked SparkException, thrown undeclared
            if (fired) {
                throw tooShort(e);
            }
            throw e;
        }
    }

    /** True once the budget was spent before the first epoch finished and the jobs were cancelled. */
    boolean fired() {
        return fired;
    }

    private IllegalArgumentException tooShort(Throwable cause) {
        return new IllegalArgumentException("maxMinutes=" + fmt(maxMinutes) + " is shorter than one epoch: "
                + Progress.duration(budget.elapsedSeconds()) + " after the start the run's first epoch had not finished"
                + " (its progress lines above tell how long one takes); training stopped and wrote no model. Raise"
                + " maxMinutes, or set it to 0 for no time budget", cause);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
