package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.predict.Labels;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.testkit.LocalSpark;

/** The listener records the mean cross-entropy per labelled pixel, without the weight-decay penalty. */
@ExtendWith(LocalSpark.class)
class LossListenerTest {
    private static final int N = 2;
    private static final int H = 8;
    private static final int W = 12;
    private static final int IGNORE = 255;

    @Test
    void theRecordedLossIsTheMeanCrossEntropyPerLabelledPixel() {
        Nd4jBackend.init();
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.UNET, 3).depth(2).widthMultiplier(0.125)
                .batchNorm(false).inputSize(H, W).loss(new SegmentationSpec.LossSpec(null, IGNORE, 0.0)).build();
        ComputationGraph net = Networks.create(spec, OptimizerConfig.builder().weightDecay(0.05).build());
        Nd4j.getRandom().setSeed(3);
        INDArray features = Nd4j.rand(DataType.FLOAT, N, 3, H, W);
        INDArray labels = Nd4j.zeros(DataType.INT, N, H, W);
        for (int n = 0; n < N; n++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    labels.putScalar(new int[] {n, y, x}, y < 2 ? IGNORE : (n + y + x) % 3); // two rows ignored
                }
            }
        }
        net.setInputs(features);
        net.setLabels(Labels.oneHot(labels, spec));
        net.computeGradientAndScore();

        SparkContext sc = LocalSpark.session().sparkContext();
        LossListener listener = new LossListener(sc.doubleAccumulator("test loss"), sc.longAccumulator("test batches"),
                (long) H * W);
        listener.iterationDone(net, 0, 0);

        INDArray probabilities = net.outputSingle(features); // no batch norm or dropout: as in training
        double sum = 0;
        long counted = 0;
        for (int n = 0; n < N; n++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    int label = labels.getInt(n, y, x);
                    if (label != IGNORE) {
                        sum -= Math.log(probabilities.getDouble(n, label, y, x));
                        counted++;
                    }
                }
            }
        }
        double penalty = net.calcRegularizationScore(true);
        assertTrue(penalty > 1e-3, "the weight-decay penalty is part of DL4J's score: " + penalty);
        assertEquals(sum / counted, listener.mean(), 1e-4);
        assertEquals(1, listener.minibatches());
    }

    @Test
    void perPixelRemovesThePenaltyAndDividesByTheCrop() {
        assertEquals(1.5, LossListener.perPixel(1.5 * 128 * 176 + 0.25, 0.25, 128 * 176), 1e-12);
    }
}
