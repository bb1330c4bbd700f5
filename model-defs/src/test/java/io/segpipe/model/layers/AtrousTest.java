package io.segpipe.model.layers;

import static io.segpipe.model.layers.GraphTestSupport.assertGradientsMatch;
import static io.segpipe.model.layers.GraphTestSupport.assertRoundTrips;
import static io.segpipe.model.layers.GraphTestSupport.init;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.segpipe.model.backend.Nd4jBackend;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Atrous convolution by space-to-batch must equal DL4J's dilated ConvolutionLayer (Same mode) with
 * the same weights: outputs, loss and every gradient, including the one reaching the layer before;
 * the same for a depthwise convolution against DL4J's dilated DepthwiseConvolution2D.
 */
class AtrousTest {
    private static final int[][] CASES = { // rate, H, W: sizes not divisible by the rate, and one that is
        {2, 7, 9}, {2, 8, 6}, {6, 13, 10}, {12, 14, 25}};

    @BeforeAll
    static void loadBackend() {
        Nd4jBackend.init();
    }

    @Test
    void equalsADilatedConvolutionInDoublePrecision() {
        for (int[] c : CASES) {
            assertEquivalent(DataType.DOUBLE, c[0], c[1], c[2], 1e-12, false);
        }
    }

    @Test
    void equalsADilatedConvolutionInFloatOnTheOneDnnPath() {
        for (int[] c : CASES) {
            assertEquivalent(DataType.FLOAT, c[0], c[1], c[2], 1e-4, false);
        }
    }

    @Test
    void depthwiseEqualsADilatedDepthwiseConvolutionInDoublePrecision() {
        for (int[] c : CASES) {
            assertEquivalent(DataType.DOUBLE, c[0], c[1], c[2], 1e-12, true);
        }
    }

    @Test
    void passesAGradientCheck() {
        Nd4j.getRandom().setSeed(8);
        for (int[] c : new int[][] {{2, 5, 7}, {6, 7, 4}}) {
            ComputationGraph graph = init(network(DataType.DOUBLE, c[0], c[1], c[2], false));
            assertGradientsMatch(graph, new INDArray[] {Nd4j.rand(DataType.DOUBLE, 2, 2, c[1], c[2])},
                    new INDArray[] {Nd4j.rand(DataType.DOUBLE, 2, 3, c[1], c[2])}, null);
        }
    }

    @Test
    void spaceToBatchAndBackIsTheIdentity() {
        ComputationGraph graph = init(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).graphBuilder()
                .addInputs("in")
                .addVertex("s2b", new SpaceToBatchVertex(3), "in")
                .addVertex("b2s", new BatchToSpaceVertex(3), "s2b", "in")
                .setOutputs("s2b", "b2s")
                .setInputTypes(InputType.convolutional(7, 5, 2))
                .build());
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, 7, 5);
        INDArray[] out = graph.output(x);
        assertArrayEquals(new long[] {18, 2, 3, 2}, out[0].shape());
        // sub-image (a, b) = 2 * 3 + 1 = 7 of image 1 is at batch index 7 * 2 + 1; its pixel (1, 0) is (1·3 + 2, 0·3 + 1)
        assertEquals(x.getDouble(1, 0, 5, 1), out[0].getDouble(15, 0, 1, 0));
        assertEquals(x, out[1]);
    }

    @Test
    void rateOneIsAPlainConvolutionAndNamesAreReturned() {
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");
        assertEquals("plain", Atrous.addConv(graph, "plain", "in", 4, 3, 1));
        assertEquals("aspp_b2s", Atrous.addConv(graph, "aspp", "plain", 4, 3, 6));
        ComputationGraphConfiguration conf = graph.setOutputs("aspp_b2s").setInputTypes(InputType.convolutional(9, 9, 3)).build();
        ConvolutionLayer aspp = (ConvolutionLayer) ((LayerVertex) conf.getVertices().get("aspp")).getLayerConf().getLayer();
        assertEquals(ConvolutionMode.Same, aspp.getConvolutionMode());
        assertArrayEquals(new int[] {1, 1}, aspp.getDilation());
        assertEquals(new SpaceToBatchVertex(6), conf.getVertices().get("aspp_s2b"));
    }

    @Test
    void roundTripsThroughJsonAndModelSerializer() {
        assertRoundTrips(init(network(DataType.DOUBLE, 6, 13, 10, false)), Nd4j.rand(DataType.DOUBLE, 1, 2, 13, 10));
    }

    @Test
    void rejectsConvolutionsItCannotReproduce() {
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");
        assertEquals("rate must be >= 1, found 0",
                assertThrows(IllegalArgumentException.class, () -> Atrous.addConv(graph, "a", "in", 4, 3, 0)).getMessage());
        assertEquals("conv kernel must be odd, found [2, 2]",
                assertThrows(IllegalArgumentException.class, () -> Atrous.addConv(graph, "a", "in", 4, 2, 2)).getMessage());
        assertEquals("conv stride must be 1, found [2, 2]", assertThrows(IllegalArgumentException.class,
                () -> Atrous.addConv(graph, "a", "in", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(2).build(), 2))
                .getMessage());
        assertThrows(InvalidInputTypeException.class, () -> new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("sub", "image").addVertex("b2s", new BatchToSpaceVertex(2), "sub", "image").setOutputs("b2s")
                .setInputTypes(InputType.convolutional(3, 3, 1), InputType.convolutional(7, 7, 1)).build());
    }

    private static void assertEquivalent(DataType type, int rate, int h, int w, double tolerance, boolean depthwise) {
        Nd4j.getRandom().setSeed(rate * 100L + h);
        ComputationGraph atrous = init(network(type, rate, h, w, false, depthwise));
        ComputationGraph dilated = init(network(type, rate, h, w, true, depthwise));
        for (String layer : new String[] {"pre", "conv"}) {
            for (Map.Entry<String, INDArray> p : atrous.getLayer(layer).paramTable().entrySet()) {
                dilated.getLayer(layer).setParam(p.getKey(), p.getValue().dup());
            }
        }
        INDArray x = Nd4j.rand(type, 2, 2, h, w).subi(0.5);
        INDArray labels = Nd4j.rand(type, 2, depthwise ? 2 : 3, h, w);
        String what = (depthwise ? "depthwise " : "") + type + " rate " + rate + " " + h + "x" + w;

        assertClose(what + " output", dilated.outputSingle(x), atrous.outputSingle(x), tolerance);
        if (type == DataType.FLOAT && !depthwise && Nd4jBackend.init().oneDnnHelpersEngaged()) {
            assertInstanceOf(MKLDNNConvHelper.class, atrous.getLayer("conv").getHelper(), "the fast path is engaged");
        }
        for (ComputationGraph g : new ComputationGraph[] {atrous, dilated}) {
            g.setInputs(x);
            g.setLabels(labels);
            g.computeGradientAndScore();
        }
        assertEquals(dilated.score(), atrous.score(), tolerance * Math.abs(dilated.score()), what + " loss");
        Map<String, INDArray> expected = dilated.gradient().gradientForVariable();
        Map<String, INDArray> actual = atrous.gradient().gradientForVariable();
        assertEquals(expected.keySet(), actual.keySet());
        for (String variable : expected.keySet()) {
            // pre_W and pre_b carry the gradient with respect to the atrous convolution's input
            assertClose(what + " gradient " + variable, expected.get(variable), actual.get(variable), tolerance);
        }
    }

    static ComputationGraphConfiguration network(DataType type, int rate, int h, int w, boolean dilated) {
        return network(type, rate, h, w, dilated, false);
    }

    /**
     * 1x1 "pre" conv (so the input gradient shows in its parameters) -> 3x3 atrous "conv" (a
     * depthwise one if {@code depthwise}) -> per-pixel MSE.
     */
    static ComputationGraphConfiguration network(DataType type, int rate, int h, int w, boolean dilated, boolean depthwise) {
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(type)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("in")
                .addLayer("pre", new ConvolutionLayer.Builder(1, 1).nOut(2).activation(Activation.IDENTITY).build(), "in");
        ConvolutionLayer.BaseConvBuilder<?> conv = depthwise
                ? new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(1).activation(Activation.TANH)
                : new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.TANH);
        String out;
        if (dilated) {
            graph.addLayer("conv", conv.dilation(rate, rate).convolutionMode(ConvolutionMode.Same).build(), "pre");
            out = "conv";
        } else {
            out = Atrous.addConv(graph, "conv", "pre", (ConvolutionLayer) conv.build(), rate);
        }
        return graph.addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), out)
                .setOutputs("loss")
                .setInputTypes(InputType.convolutional(h, w, 2))
                .build();
    }

    static void assertClose(String what, INDArray expected, INDArray actual, double tolerance) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        double norm = expected.norm2Number().doubleValue();
        double relative = expected.sub(actual).norm2Number().doubleValue() / Math.max(norm, 1e-30);
        assertTrue(relative < tolerance, what + ": relative error " + relative);
    }
}
