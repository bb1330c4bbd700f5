package io.segpipe.model.loss;

import static io.segpipe.model.layers.GraphTestSupport.assertGradientsMatch;
import static io.segpipe.model.layers.GraphTestSupport.assertRoundTrips;
import static io.segpipe.model.loss.LossTestSupport.labelMaps;
import static io.segpipe.model.loss.LossTestSupport.network;
import static io.segpipe.model.loss.LossTestSupport.oneHot;
import static io.segpipe.model.loss.LossTestSupport.rows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.segpipe.model.backend.Nd4jBackend;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

class WeightedCrossEntropyLossTest {
    private static final double[] WEIGHTS = {0.5, 2.0, 1.0};

    @BeforeAll
    static void loadBackend() {
        Nd4jBackend.init();
    }

    @Test
    void handComputedExample() {
        // three pixels, two classes, weights (1, 2): p0 = (1/2, 1/2) labelled 1, p1 = (3/4, 1/4) labelled 0, p2 ignored
        INDArray preOutput = Nd4j.createFromArray(new double[][] {{0, 0}, {Math.log(3), 0}, {7, -3}});
        INDArray labels = Nd4j.createFromArray(new double[][] {{0, 1}, {1, 0}, {0, 0}});
        WeightedCrossEntropyLoss loss = new WeightedCrossEntropyLoss(new double[] {1, 2});
        double mean = (2 * Math.log(2) - Math.log(0.75)) / 2; // over the M = 2 counted pixels
        assertEquals(mean, loss.computeScore(labels, preOutput, new ActivationSoftmax(), null, true), 1e-15);
        assertEquals(3 * mean, loss.computeScore(labels, preOutput, new ActivationSoftmax(), null, false), 1e-15);
        assertArrayEquals(new double[] {3.0 / 2 * 2 * Math.log(2), -3.0 / 2 * Math.log(0.75), 0},
                loss.computeScoreArray(labels, preOutput, new ActivationSoftmax(), null).reshape(3).toDoubleVector(), 1e-15);
        // d/dz of 3/2 · (−w_y log softmax_y): 3/2 · (q·w_y − w_y·y)
        assertArrayEquals(new double[] {1.5, -1.5, -0.375, 0.375, 0, 0},
                loss.computeGradient(labels, preOutput, new ActivationSoftmax(), null).reshape(6).toDoubleVector(), 1e-15);
    }

    @Test
    void withoutWeightsOrIgnoredPixelsItEqualsDl4jsMcxent() {
        Nd4j.getRandom().setSeed(21);
        INDArray preOutput = Nd4j.randn(DataType.DOUBLE, 12, 3);
        INDArray labels = rows(oneHot(new int[][][] {{{0, 1, 2, 1}, {2, 2, 0, 1}, {1, 0, 0, 2}}}));
        LossMCXENT reference = new LossMCXENT();
        WeightedCrossEntropyLoss loss = new WeightedCrossEntropyLoss();
        assertEquals(reference.computeScore(labels, preOutput.dup(), new ActivationSoftmax(), null, false),
                loss.computeScore(labels, preOutput, new ActivationSoftmax(), null, false), 1e-12);
        assertEquals(reference.computeGradient(labels, preOutput.dup(), new ActivationSoftmax(), null),
                loss.computeGradient(labels, preOutput, new ActivationSoftmax(), null));
    }

    @Test
    void ignoredPixelsHaveExactlyZeroGradientAndDoNotChangeTheScore() {
        Nd4j.getRandom().setSeed(22);
        INDArray labels = rows(oneHot(labelMaps()));
        INDArray preOutput = Nd4j.randn(DataType.DOUBLE, labels.size(0), 3);
        WeightedCrossEntropyLoss loss = new WeightedCrossEntropyLoss(WEIGHTS);
        INDArray gradient = loss.computeGradient(labels, preOutput, new ActivationSoftmax(), null);
        INDArray changed = preOutput.dup();
        for (int row = 0; row < labels.size(0); row++) {
            boolean ignored = labels.getRow(row).sumNumber().doubleValue() == 0;
            if (ignored) {
                assertArrayEquals(new double[3], gradient.getRow(row).toDoubleVector(), 0.0, "row " + row);
                changed.getRow(row).assign(Nd4j.randn(DataType.DOUBLE, 3).muli(100));
            }
        }
        assertEquals(loss.computeScore(labels, preOutput, new ActivationSoftmax(), null, false),
                loss.computeScore(labels, changed, new ActivationSoftmax(), null, false), 0.0);
    }

    @Test
    void aPerPixelMaskActsLikeAnIgnoredLabel() {
        Nd4j.getRandom().setSeed(23);
        INDArray labels = rows(oneHot(new int[][][] {{{0, 1, 2}, {2, 1, 0}}}));
        INDArray preOutput = Nd4j.randn(DataType.DOUBLE, 6, 3);
        INDArray mask = Nd4j.createFromArray(new double[][] {{1}, {0}, {1}, {1}, {0}, {1}});
        INDArray ignoredLabels = labels.dup();
        ignoredLabels.getRow(1).assign(0);
        ignoredLabels.getRow(4).assign(0);
        WeightedCrossEntropyLoss loss = new WeightedCrossEntropyLoss(WEIGHTS);
        assertEquals(loss.computeScore(ignoredLabels, preOutput, new ActivationSoftmax(), null, false),
                loss.computeScore(labels, preOutput, new ActivationSoftmax(), mask, false), 1e-12);
        assertEquals(loss.computeGradient(ignoredLabels, preOutput, new ActivationSoftmax(), null),
                loss.computeGradient(labels, preOutput, new ActivationSoftmax(), mask));
    }

    @Test
    void aMaskAboveOneWeighsItsPixelWhileTheMeanStillCountsPixels() {
        Nd4j.getRandom().setSeed(29);
        INDArray labels = rows(oneHot(new int[][][] {{{0, 1, 2}, {2, 1, 0}}}));
        INDArray preOutput = Nd4j.randn(DataType.DOUBLE, 6, 3);
        INDArray mask = Nd4j.createFromArray(new double[][] {{1}, {0}, {3.5}, {1}, {1.25}, {1}});
        WeightedCrossEntropyLoss loss = new WeightedCrossEntropyLoss(WEIGHTS);
        ActivationSoftmax softmax = new ActivationSoftmax();
        INDArray binary = mask.gt(0).castTo(DataType.DOUBLE);
        // 5 counted pixels either way: the weighted score array is the binary one times the mask
        assertEquals(loss.computeScoreArray(labels, preOutput, softmax, binary).mul(mask),
                loss.computeScoreArray(labels, preOutput, softmax, mask));
        assertEquals(loss.computeGradient(labels, preOutput, softmax, binary).mulColumnVector(mask),
                loss.computeGradient(labels, preOutput, softmax, mask));
    }

    @Test
    void networkScoreIsPixelsPerImageTimesTheMeanOverCountedPixels() {
        INDArray labels = oneHot(labelMaps());
        ComputationGraph graph = network(new WeightedCrossEntropyLoss(WEIGHTS), 3, 4);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, 3, 4);
        graph.setInputs(x);
        graph.setLabels(labels);
        graph.computeGradientAndScore();
        INDArray scores = rows(graph.feedForward(x, false).get("score"));
        double mean = new WeightedCrossEntropyLoss(WEIGHTS).computeScore(rows(labels), scores, new ActivationSoftmax(), null, true);
        assertEquals(12 * mean, graph.score(), 1e-12);
    }

    @Test
    void gradientCheckWithClassWeightsIgnoredPixelsAndAMask() {
        Nd4j.getRandom().setSeed(24);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, 3, 4);
        INDArray labels = oneHot(labelMaps());
        INDArray mask = Nd4j.ones(DataType.DOUBLE, 2, 1, 3, 4);
        mask.put(new org.nd4j.linalg.indexing.INDArrayIndex[] {NDArrayIndex.point(1), NDArrayIndex.all(),
            NDArrayIndex.point(1), NDArrayIndex.interval(0, 2)}, 0);
        assertGradientsMatch(network(new WeightedCrossEntropyLoss(WEIGHTS), 3, 4), new INDArray[] {x},
                new INDArray[] {labels}, null);
        assertGradientsMatch(network(new WeightedCrossEntropyLoss(WEIGHTS), 3, 4), new INDArray[] {x},
                new INDArray[] {labels}, new INDArray[] {mask});
    }

    @Test
    void roundTripsThroughJsonAndModelSerializer() {
        assertRoundTrips(network(new WeightedCrossEntropyLoss(WEIGHTS), 3, 4), Nd4j.rand(DataType.DOUBLE, 1, 2, 3, 4));
        assertRoundTrips(network(new WeightedCrossEntropyLoss(), 3, 4), Nd4j.rand(DataType.DOUBLE, 1, 2, 3, 4));
    }

    @Test
    void rejectsInvalidConfigurationsWithNamedValues() {
        assertEquals("classWeights[1] must be finite and >= 0, found -1.0", assertThrows(IllegalArgumentException.class,
                () -> new WeightedCrossEntropyLoss(new double[] {1, -1})).getMessage());
        INDArray labels = Nd4j.createFromArray(new double[][] {{0, 1}});
        assertEquals("classWeights has 3 entries but the labels have 2 classes", assertThrows(IllegalArgumentException.class,
                () -> new WeightedCrossEntropyLoss(WEIGHTS).computeScore(labels, labels, new ActivationSoftmax(), null, true))
                .getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new WeightedCrossEntropyLoss().computeScore(labels, labels, new ActivationIdentity(), null, true));
    }
}
