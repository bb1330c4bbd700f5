package io.segpipe.jobs.train;

import java.util.function.LongSupplier;

/**
 * The wall-time budget of one training call ({@code maxMinutes}) and the clock of its epochs.
 *
 * <p>After an epoch's training, the run stops (validated, checkpointed and written) when another
 * epoch would end past the budget: the time since the call started plus the expected epoch
 * duration exceeds it. The expected duration is the mean over this call's finished epochs (whole:
 * training, validation, checkpoint) and the current epoch's training so far, which is the only
 * measure the first epoch has.
 */
final class TimeBudget {
    private final double maxMinutes;
    private final LongSupplier nanoClock;
    private final long start;
    private double finishedSeconds;
    private int finishedEpochs;

    /**
     * Starts the call's clock now.
     *
     * @param maxMinutes the budget; 0 = none
     * @param nanoClock  monotonic nanoseconds ({@code System::nanoTime})
     */
    TimeBudget(double maxMinutes, LongSupplier nanoClock) {
        this.maxMinutes = maxMinutes;
        this.nanoClock = nanoClock;
        this.start = nanoClock.getAsLong();
    }

    /** The clock's reading, to time an epoch with {@link #secondsSince} and {@link #epochFinished}. */
    long now() {
        return nanoClock.getAsLong();
    }

    double secondsSince(long nanos) {
        return (nanoClock.getAsLong() - nanos) / 1e9;
    }

    /** Seconds since the call started. */
    double elapsedSeconds() {
        return secondsSince(start);
    }

    /**
     * True when, {@code trainSeconds} into the current epoch's training, another epoch would end past
     * the budget; never without a budget.
     */
    boolean anotherEpochExceeds(double trainSeconds) {
        return maxMinutes > 0
                && elapsedSeconds() + (finishedSeconds + trainSeconds) / (finishedEpochs + 1) > maxMinutes * 60;
    }

    /** Records an epoch that started at {@code startNanos} as finished now. */
    void epochFinished(long startNanos) {
        finishedEpochs++;
        finishedSeconds += secondsSince(startNanos);
    }

    /** Epochs this call finished. */
    int epochsFinished() {
        return finishedEpochs;
    }

    /**
     * Expected time of {@code remainingEpochs} more epochs at this call's mean epoch duration, capped
     * by the time left of the budget (the run ends by then).
     */
    double etaSeconds(int remainingEpochs) {
        return capped(finishedSeconds / finishedEpochs * remainingEpochs);
    }

    /**
     * Expected time until the run ends, from inside an epoch: the rest of the current epoch plus
     * {@code epochsAfter} more at this call's mean epoch duration (the current epoch's expected
     * duration while none has finished), capped by the time left of the budget.
     *
     * @param epochRemaining the current epoch's expected remaining seconds
     * @param epochTotal     the current epoch's expected duration
     */
    double runEtaSeconds(double epochRemaining, double epochTotal, int epochsAfter) {
        double mean = finishedEpochs > 0 ? finishedSeconds / finishedEpochs : epochTotal;
        return capped(epochRemaining + mean * epochsAfter);
    }

    /** Seconds left of the budget; infinite without one. */
    double remainingSeconds() {
        return maxMinutes > 0 ? Math.max(0, maxMinutes * 60 - elapsedSeconds()) : Double.POSITIVE_INFINITY;
    }

    /** True when an estimate of {@code seconds} from now is cut by the budget. */
    boolean caps(double seconds) {
        return seconds >= remainingSeconds();
    }

    private double capped(double seconds) {
        return Math.min(seconds, remainingSeconds());
    }
}
