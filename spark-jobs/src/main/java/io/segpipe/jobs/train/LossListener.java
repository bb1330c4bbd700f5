package io.segpipe.jobs.train;

import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

import io.segpipe.prep.progress.Progress;

/**
 * Sums the minibatch losses on the workers into Spark accumulators, so the driver knows an epoch's
 * mean training loss ({@code SparkComputationGraph.getScore()} only holds the last averaging
 * round), and counts the minibatches,
 * which the epoch's progress lines report ({@link EpochProgress}).
 *
 * <p><b>Per pixel.</b> DL4J's score of a minibatch is not a mean per pixel: {@code CnnLossLayer}
 * divides the summed per-pixel loss by the number of images only, so segpipe's losses (see
 * {@code io.segpipe.model.loss}) score {@code H·W ×} their mean over the labelled pixels, and the
 * network adds the weight-decay penalty. This listener records {@code (score − penalty) / (H·W)}
 * for {@code H×W} training crops: the mean loss per labelled pixel, the same for any crop size.
 * The penalty is computed after the step (the listener runs then), from parameters one update away
 * from those the score was computed with; divided by {@code H·W} the difference is far below the
 * printed precision.
 */
final class LossListener extends BaseTrainingListener implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final DoubleAccumulator sum;
    private final LongAccumulator count;
    private final long pixelsPerImage;

    /**
     * @param sum            named accumulator of the per-pixel losses
     * @param count          named accumulator of the minibatches
     * @param pixelsPerImage {@code H×W} of the training crops
     */
    LossListener(DoubleAccumulator sum, LongAccumulator count, long pixelsPerImage) {
        if (pixelsPerImage < 1) {
            throw new IllegalArgumentException("pixelsPerImage must be >= 1, found " + pixelsPerImage);
        }
        this.sum = sum;
        this.count = count;
        this.pixelsPerImage = pixelsPerImage;
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        double loss = perPixel(model.score(), penalty(model), pixelsPerImage);
        if (Double.isFinite(loss)) {
            sum.add(loss);
            count.add(1);
        }
    }

    /** The mean loss per labelled pixel of a minibatch whose network score is {@code score}. */
    static double perPixel(double score, double penalty, long pixelsPerImage) {
        return (score - penalty) / pixelsPerImage;
    }

    /** The regularisation penalty the network adds to its score. */
    private static double penalty(Model model) {
        return model instanceof ComputationGraph graph ? graph.calcRegularizationScore(true) : 0;
    }

    /** Mean loss per pixel since the last {@link #reset()}, NaN when no minibatch ran. */
    double mean() {
        return count.value() == 0 ? Double.NaN : sum.value() / count.value();
    }

    long minibatches() {
        return count.value();
    }

    /** The accumulator of the minibatches, which progress lines count. */
    LongAccumulator minibatchCounter() {
        return count;
    }

    /** The accumulator of the per-pixel losses, whose running value progress lines show. */
    DoubleAccumulator lossSum() {
        return sum;
    }

    /** The mean loss per pixel so far of a progress reading that counts this listener's minibatches. */
    double meanOf(Progress reading) {
        return reading.done() == 0 ? Double.NaN : reading.value(sum) / reading.done();
    }

    void reset() {
        sum.reset();
        count.reset();
    }
}
