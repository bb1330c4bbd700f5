package io.segpipe.jobs.train;

import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

/**
 * Sums the minibatch losses on the workers into Spark accumulators, so the driver knows an epoch's
 * mean training loss under either training master ({@code SparkComputationGraph.getScore()} only
 * holds the last averaging round, and is 0 with SharedTrainingMaster).
 */
final class LossListener extends BaseTrainingListener implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final DoubleAccumulator sum;
    private final LongAccumulator count;

    LossListener(DoubleAccumulator sum, LongAccumulator count) {
        this.sum = sum;
        this.count = count;
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        double score = model.score();
        if (Double.isFinite(score)) {
            sum.add(score);
            count.add(1);
        }
    }

    /** Mean loss since the last {@link #reset()}, NaN when no minibatch ran. */
    double mean() {
        return count.value() == 0 ? Double.NaN : sum.value() / count.value();
    }

    long minibatches() {
        return count.value();
    }

    void reset() {
        sum.reset();
        count.reset();
    }
}
