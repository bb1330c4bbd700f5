package io.segpipe.jobs.train;

/**
 * Early stopping on val mIoU: counts the validations in a row that did not beat the best val mIoU
 * so far by more than {@code minDelta}, and says to stop once the count reaches {@code patience}.
 *
 * <p>The best moves up with every higher value, even one that gains less than {@code minDelta}, so
 * a slow climb in steps below {@code minDelta} runs out of patience. A tie is no improvement. A NaN
 * mIoU (no class present) and an epoch without validation leave the count alone.
 */
final class EarlyStopping {
    private final int patience;
    private final double minDelta;
    private double best;
    private int withoutImprovement;

    /**
     * @param patience           validations without improvement that stop the run; 0 = never stop
     * @param minDelta           smallest gain over the best that counts as improvement, >= 0
     * @param best               best val mIoU before this run's first validation; -infinity for none
     * @param withoutImprovement the count so far (a resumed run continues its checkpoint's)
     */
    EarlyStopping(int patience, double minDelta, double best, int withoutImprovement) {
        this.patience = patience;
        this.minDelta = minDelta;
        this.best = best;
        this.withoutImprovement = withoutImprovement;
    }

    /** Counts one epoch's val mIoU: null when the epoch was not validated. */
    void record(Double valMeanIoU) {
        if (valMeanIoU == null || valMeanIoU.isNaN()) {
            return;
        }
        withoutImprovement = valMeanIoU > best + minDelta ? 0 : withoutImprovement + 1;
        if (valMeanIoU > best) {
            best = valMeanIoU;
        }
    }

    /** The count a checkpoint saves. */
    int validationsWithoutImprovement() {
        return withoutImprovement;
    }

    /** True when patience is set and that many validations in a row brought no improvement. */
    boolean shouldStop() {
        return patience > 0 && withoutImprovement >= patience;
    }
}
