package io.segpipe.jobs.train;

import java.io.IOException;

import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.prep.progress.Progress;

/**
 * Ends a run whose time budget ({@code maxMinutes}) is shorter than one epoch. The budget is
 * otherwise kept between epochs ({@link TimeBudget#anotherEpochExceeds}), which needs one finished
 * epoch to stop after; when the budget runs out before the call's first epoch has finished, no
 * model can come out within it, so four times a second this checks the budget and, when it is
 * spent with no epoch finished, cancels every Spark job of the application ({@link JobCanceller})
 * so the driver's call fails at once, and {@link #guard} turns that failure into one message
 * naming the option.
 */
final class EpochDeadline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EpochDeadline.class);
    private static final long POLL_MILLIS = 250;

    private final TimeBudget budget;
    private final double maxMinutes;
    private final JobCanceller canceller;

    /**
     * @param budget        the call's budget, whose clock this reads
     * @param maxMinutes    the budget's length; 0 = none, never fires
     * @param cancelAllJobs cancels every running Spark job
     * @param poll          check four times a second on a daemon thread (false: the caller calls {@link #check})
     */
    EpochDeadline(TimeBudget budget, double maxMinutes, Runnable cancelAllJobs, boolean poll) {
        this.budget = budget;
        this.maxMinutes = maxMinutes;
        this.canceller = new JobCanceller("segpipe-epoch-deadline", this::spentBeforeAnEpoch, cancelAllJobs,
                poll && maxMinutes > 0 ? POLL_MILLIS : 0);
    }

    /** A deadline over {@code sc}'s jobs for the call's budget, polling; inactive without a budget. */
    static EpochDeadline start(SparkContext sc, TimeBudget budget, double maxMinutes) {
        return new EpochDeadline(budget, maxMinutes, sc::cancelAllJobs, true);
    }

    /** One check: cancels once the budget is spent before the call's first epoch finished. */
    void check() {
        canceller.check();
    }

    private boolean spentBeforeAnEpoch() {
        if (maxMinutes > 0 && budget.epochsFinished() == 0 && budget.remainingSeconds() == 0) {
            LOG.error("maxMinutes={} spent before the first epoch finished: cancelling the application's Spark jobs",
                    fmt(maxMinutes));
            return true;
        }
        return false;
    }

    /**
     * Runs {@code work}; when it fails after the deadline {@link #fired()}, throws the budget's
     * message instead. Any other failure passes through unchanged.
     */
    <T> T guard(JobCanceller.Work<T> work) throws IOException {
        return canceller.guard(work, this::tooShort);
    }

    /** True once the budget was spent before the first epoch finished and the jobs were cancelled. */
    boolean fired() {
        return canceller.fired();
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
        canceller.close();
    }
}
