package io.segpipe.model.loss;

import static io.segpipe.model.layers.GraphTestSupport.assertGradientsMatch;
import static io.segpipe.model.layers.GraphTestSupport.assertRoundTrips;
import static io.segpipe.model.loss.LossTestSupport.labelMaps;
import static io.segpipe.model.loss.LossTestSupport.network;
import static io.segpipe.model.loss.LossTestSupport.oneHot;
import static io.segpipe.model.loss.LossTestSupport.rows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.segpipe.model.backend.Nd4jBackend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SoftDiceLossTest {

    @BeforeAll
    static void loadBackend() {
        Nd4jBackend.init();
    }

    @Test
    void aMaskAboveZeroOnlyCountsItsPixel() {
        Nd4j.getRandom().setSeed(31);
        INDArray labels = rows(oneHot(new int[][][] {{{0, 1, 2}, {2, 1, 0}}}));
        INDArray preOutput = Nd4j.randn(DataType.DOUBLE, 6, 3);
        INDArray weights = Nd4j.createFromArray(new double[][] {{1}, {0}, {3.5}, {1}, {1.25}, {1}});
        INDArray binary = weights.gt(0).castTo(DataType.DOUBLE);
        SoftDiceLoss dice = new SoftDiceLoss();
        ActivationSoftmax softmax = new ActivationSoftmax();
        assertEquals(dice.computeScoreArray(labels, preOutput, softmax, binary),
                dice.computeScoreArray(labels, preOutput, softmax, weights));
        assertEquals(dice.computeGradient(labels, preOutput, softmax, binary),
                dice.computeGradient(labels, preOutput, softmax, weights));
    }

    @Test
    void handComputedExampleOverPresentClassesOnly() {
        // q0 = (1/2, 1/2, 0) labelled 0, q1 = (3/4, 1/4, 0) labelled 1, pixel 2 ignored; class 2 absent
        INDArray preOutput = Nd4j.createFromArray(new double[][] {{0, 0, -1000}, {Math.log(3), 0, -1000}, {5, 1, 9}});
        INDArray labels = Nd4j.createFromArray(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 0}});
        double dice0 = 2 * 0.5 / (1.25 + 1); // intersection 1/2, probability mass 1/2 + 3/4, one pixel of class 0
        double dice1 = 2 * 0.25 / (0.75 + 1);
        double expected = 1 - (dice0 + dice1) / 2;
        SoftDiceLoss loss = new SoftDiceLoss();
        assertEquals(expected, loss.computeScore(labels, preOutput, new ActivationSoftmax(), null, true), 1e-15);
        assertEquals(3 * expected, loss.computeScore(labels, preOutput, new ActivationSoftmax(), null, false), 1e-14);
        assertArrayEquals(new double[] {1.5 * expected, 1.5 * expected, 0},
                loss.computeScoreArray(labels, preOutput, new ActivationSoftmax(), null).reshape(3).toDoubleVector(), 1e-15);
    }

    @Test
    void perfectPredictionsScoreZeroAndNoClassPresentScoresZero() {
        INDArray labels = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}});
        INDArray certain = Nd4j.createFromArray(new double[][] {{800, 0}, {0, 800}});
        assertEquals(0, new SoftDiceLoss().computeScore(labels, certain, new ActivationSoftmax(), null, true), 1e-15);
        INDArray ignoredOnly = Nd4j.zeros(DataType.DOUBLE, 2, 2);
        assertEquals(0, new SoftDiceLoss().computeScore(ignoredOnly, certain, new ActivationSoftmax(), null, true));
        assertEquals(Nd4j.zeros(DataType.DOUBLE, 2, 2),
                new SoftDiceLoss().computeGradient(ignoredOnly, certain, new ActivationSoftmax(), null));
    }

    @Test
    void ignoredPixelsHaveExactlyZeroGradientAndDoNotChangeTheScore() {
        Nd4j.getRandom().setSeed(31);
        INDArray labels = rows(oneHot(labelMaps()));
        INDArray preOutput = Nd4j.randn(DataType.DOUBLE, labels.size(0), 3);
        SoftDiceLoss loss = new SoftDiceLoss();
        INDArray gradient = loss.computeGradient(labels, preOutput, new ActivationSoftmax(), null);
        INDArray changed = preOutput.dup();
        for (int row = 0; row < labels.size(0); row++) {
            if (labels.getRow(row).sumNumber().doubleValue() == 0) {
                assertArrayEquals(new double[3], gradient.getRow(row).toDoubleVector(), 0.0, "row " + row);
                changed.getRow(row).assign(Nd4j.randn(DataType.DOUBLE, 3).muli(100));
            }
        }
        assertEquals(loss.computeScore(labels, preOutput, new ActivationSoftmax(), null, false),
                loss.computeScore(labels, changed, new ActivationSoftmax(), null, false), 0.0);
    }

    @Test
    void gradientCheckWithIgnoredPixelsAndAnAbsentClassInOneImage() {
        Nd4j.getRandom().setSeed(32);
        assertGradientsMatch(network(new SoftDiceLoss(), 3, 4), new INDArray[] {Nd4j.rand(DataType.DOUBLE, 2, 2, 3, 4)},
                new INDArray[] {oneHot(labelMaps())}, null);
        // only classes 0 and 1 present in the minibatch
        assertGradientsMatch(network(new SoftDiceLoss(), 2, 2), new INDArray[] {Nd4j.rand(DataType.DOUBLE, 1, 2, 2, 2)},
                new INDArray[] {oneHot(new int[][][] {{{0, 1}, {-1, 1}}})}, null);
    }

    @Test
    void roundTripsThroughJsonAndModelSerializer() {
        assertRoundTrips(network(new SoftDiceLoss(), 3, 4), Nd4j.rand(DataType.DOUBLE, 1, 2, 3, 4));
    }
}
