package io.segpipe.model.layers;

import static io.segpipe.model.layers.GraphTestSupport.assertGradientsMatch;
import static io.segpipe.model.layers.GraphTestSupport.assertRoundTrips;
import static io.segpipe.model.layers.GraphTestSupport.gradient;
import static io.segpipe.model.layers.GraphTestSupport.init;
import static io.segpipe.model.layers.GraphTestSupport.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.segpipe.model.backend.Nd4jBackend;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** BatchNormRelu is batch norm then ReLU, forward and backward, at no extra memory. */
class BatchNormReluTest {

    @BeforeAll
    static void loadBackend() {
        Nd4jBackend.init();
    }

    /** Why the layer exists: if a DL4J upgrade starts honouring the activation, this fails and says so. */
    @Test
    void dl4jBatchNormalizationIgnoresItsActivation() {
        ComputationGraph graph = init(graph(DataType.FLOAT,
                new BatchNormalization.Builder().activation(Activation.RELU).build(), false));
        INDArray out = graph.feedForward(new INDArray[] {input(DataType.FLOAT)}, true).get("bn");
        assertTrue(out.minNumber().doubleValue() < 0, "DL4J's BatchNormalization now applies its activation");
    }

    @Test
    void equalsBatchNormThenAReluLayerForwardAndBackward() {
        ComputationGraph fused = init(graph(DataType.FLOAT, new BatchNormRelu(), false));
        ComputationGraph reference = init(graph(DataType.FLOAT, new BatchNormalization.Builder().build(), true));
        reference.setParams(fused.params());
        INDArray x = input(DataType.FLOAT);
        INDArray labels = Nd4j.rand(DataType.FLOAT, 3, 2, 5, 6);

        for (boolean training : new boolean[] {true, false}) {
            INDArray expected = reference.feedForward(new INDArray[] {x}, training).get("relu");
            INDArray actual = fused.feedForward(new INDArray[] {x}, training).get("bn");
            assertEquals(0, maxAbsDiff(expected, actual), 1e-6, "activations, training=" + training);
            assertTrue(actual.minNumber().doubleValue() >= 0);
        }

        MultiDataSet data = new MultiDataSet(new INDArray[] {x}, new INDArray[] {labels});
        Gradient expected = gradient(reference, data);
        Gradient actual = gradient(fused, data);
        assertEquals(reference.score(), fused.score(), 1e-5, "loss");
        for (Map.Entry<String, INDArray> e : actual.gradientForVariable().entrySet()) {
            INDArray want = expected.getGradientFor(e.getKey());
            assertEquals(0, maxAbsDiff(want, e.getValue()), 1e-5 * Math.max(1, want.amaxNumber().doubleValue()),
                    "gradient of " + e.getKey());
        }
    }

    @Test
    void passesAGradientCheck() {
        Nd4j.getRandom().setSeed(3);
        ComputationGraph graph = init(graph(DataType.DOUBLE, new BatchNormRelu(), false));
        assertGradientsMatch(graph, new INDArray[] {input(DataType.DOUBLE)},
                new INDArray[] {Nd4j.rand(DataType.DOUBLE, 3, 2, 5, 6)}, null);
    }

    @Test
    void roundTripsThroughJsonAndModelFiles() {
        ComputationGraph graph = init(graph(DataType.FLOAT, new BatchNormRelu(), false));
        graph.fit(new MultiDataSet(new INDArray[] {input(DataType.FLOAT)},
                new INDArray[] {Nd4j.rand(DataType.FLOAT, 3, 2, 5, 6)})); // moves the running statistics
        assertRoundTrips(graph, input(DataType.FLOAT));
    }

    private static INDArray input(DataType type) {
        return Nd4j.rand(type, 3, 2, 5, 6).subi(0.5).muli(4);
    }

    /** in -> 3x3 conv (4 channels) -> "bn" [-> "relu" ActivationLayer] -> 1x1 conv -> MSE. */
    private static ComputationGraphConfiguration graph(DataType type, BatchNormalization bn, boolean reluLayer) {
        ComputationGraphConfiguration.GraphBuilder g = GraphTestSupport.graph(11, type)
                .addInputs("in")
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).hasBias(false) // batch norm cancels a bias
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", bn, "conv");
        String last = "bn";
        if (reluLayer) {
            g.addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn");
            last = "relu";
        }
        return g.addLayer("scores", new ConvolutionLayer.Builder(1, 1).nOut(2).activation(Activation.IDENTITY).build(), last)
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), "scores")
                .setOutputs("loss")
                .setInputTypes(InputType.convolutional(5, 6, 2))
                .build();
    }
}
