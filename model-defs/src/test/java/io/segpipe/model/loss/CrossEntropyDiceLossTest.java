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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CrossEntropyDiceLossTest {
    private static final double[] WEIGHTS = {0.5, 2.0, 1.0};

    @BeforeAll
    static void loadBackend() {
        Nd4jBackend.init();
    }

    @Test
    void isTheWeightedSumOfItsTerms() {
        Nd4j.getRandom().setSeed(41);
        INDArray labels = rows(oneHot(labelMaps()));
        INDArray preOutput = Nd4j.randn(DataType.DOUBLE, labels.size(0), 3);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, labels.size(0), 1);
        mask.putScalar(3, 0, 0.0);
        ActivationSoftmax softmax = new ActivationSoftmax();
        CrossEntropyDiceLoss loss = new CrossEntropyDiceLoss(WEIGHTS, 1.0, 0.5);
        WeightedCrossEntropyLoss ce = new WeightedCrossEntropyLoss(WEIGHTS);
        SoftDiceLoss dice = new SoftDiceLoss();
        for (boolean average : new boolean[] {true, false}) {
            assertEquals(ce.computeScore(labels, preOutput, softmax, mask, average)
                    + 0.5 * dice.computeScore(labels, preOutput, softmax, mask, average),
                    loss.computeScore(labels, preOutput, softmax, mask, average), 1e-12);
        }
        INDArray expectedGradient = ce.computeGradient(labels, preOutput, softmax, mask)
                .addi(dice.computeGradient(labels, preOutput, softmax, mask).muli(0.5));
        assertEquals(expectedGradient, loss.computeGradient(labels, preOutput, softmax, mask));
        INDArray scoreArray = loss.computeScoreArray(labels, preOutput, softmax, mask);
        assertArrayEquals(new long[] {labels.size(0), 1}, scoreArray.shape());
        assertEquals(loss.computeScore(labels, preOutput, softmax, mask, false), scoreArray.sumNumber().doubleValue(), 1e-12);
    }

    @Test
    void gradientCheckWithClassWeightsAndIgnoredPixels() {
        Nd4j.getRandom().setSeed(42);
        assertGradientsMatch(network(new CrossEntropyDiceLoss(WEIGHTS, 1.0, 2.0), 3, 4),
                new INDArray[] {Nd4j.rand(DataType.DOUBLE, 2, 2, 3, 4)}, new INDArray[] {oneHot(labelMaps())}, null);
    }

    @Test
    void roundTripsThroughJsonAndModelSerializer() {
        assertRoundTrips(network(new CrossEntropyDiceLoss(WEIGHTS, 1.0, 2.0), 3, 4), Nd4j.rand(DataType.DOUBLE, 1, 2, 3, 4));
        assertRoundTrips(network(new CrossEntropyDiceLoss(null, 0.0, 1.0), 3, 4), Nd4j.rand(DataType.DOUBLE, 1, 2, 3, 4));
    }

    @Test
    void rejectsInvalidWeightsWithNamedValues() {
        assertEquals("diceWeight must be finite and >= 0, found -1.0",
                assertThrows(IllegalArgumentException.class, () -> new CrossEntropyDiceLoss(null, 1, -1)).getMessage());
        assertEquals("crossEntropyWeight and diceWeight must not both be 0",
                assertThrows(IllegalArgumentException.class, () -> new CrossEntropyDiceLoss(null, 0, 0)).getMessage());
    }
}
