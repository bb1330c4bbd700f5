package io.segpipe.model.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** {@link SideFusion}: the per-class weighted sum, recomputed here pixel by pixel, its gradients, and round trips. */
class SideFusionTest {
    private static final int OUTPUTS = 3;
    private static final int CLASSES = 2;

    /** in → fusion → softmax loss, freshly initialised. */
    private static ComputationGraph fresh(DataType type) {
        return GraphTestSupport.init(GraphTestSupport.graph(11, type)
                .addInputs("in")
                .setInputTypes(InputType.convolutional(4, 5, OUTPUTS * CLASSES))
                .addLayer("fusion", new SideFusion.Builder(OUTPUTS, CLASSES).build(), "in")
                .addLayer("out", new CnnLossLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX).build(), "fusion")
                .setOutputs("out")
                .build());
    }

    private static ComputationGraph graph(DataType type) {
        ComputationGraph net = fresh(type);
        // weights away from the uniform start, so that a swapped index would show
        INDArray w = net.getParam("fusion_W");
        for (int j = 0; j < OUTPUTS; j++) {
            for (int c = 0; c < CLASSES; c++) {
                w.putScalar(j, c, 0.3 + 0.7 * j - 0.4 * c);
            }
        }
        return net;
    }

    @Test
    void fusesEachClassWithItsOwnWeights() {
        ComputationGraph net = graph(DataType.DOUBLE);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, OUTPUTS * CLASSES, 4, 5);
        INDArray fused = net.feedForward(x, false).get("fusion");
        INDArray w = net.getParam("fusion_W");
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < CLASSES; c++) {
                for (int h = 0; h < 4; h++) {
                    for (int p = 0; p < 5; p++) {
                        double expected = 0;
                        for (int j = 0; j < OUTPUTS; j++) {
                            expected += w.getDouble(j, c) * x.getDouble(n, j * CLASSES + c, h, p);
                        }
                        assertEquals(expected, fused.getDouble(n, c, h, p), 1e-12);
                    }
                }
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        ComputationGraph net = graph(DataType.DOUBLE);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, OUTPUTS * CLASSES, 4, 5).subi(0.5);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 2, CLASSES, 4, 5);
        for (int n = 0; n < 2; n++) {
            for (int h = 0; h < 4; h++) {
                for (int p = 0; p < 5; p++) {
                    labels.putScalar(new int[] {n, (n + h + p) % CLASSES, h, p}, 1);
                }
            }
        }
        GraphTestSupport.assertGradientsMatch(net, new INDArray[] {x}, new INDArray[] {labels}, null);
    }

    @Test
    void startsAtTheMeanOfTheMapsAndRoundTrips() {
        assertEquals(Nd4j.valueArrayOf(new long[] {OUTPUTS, CLASSES}, 1.0 / OUTPUTS, DataType.FLOAT),
                fresh(DataType.FLOAT).getParam("fusion_W"));
        GraphTestSupport.assertRoundTrips(graph(DataType.FLOAT), Nd4j.rand(DataType.FLOAT, 2, OUTPUTS * CLASSES, 4, 5));
    }
}
