package io.segpipe.model.layers;

import static io.segpipe.model.layers.GraphTestSupport.assertGradientsMatch;
import static io.segpipe.model.layers.GraphTestSupport.assertRoundTrips;
import static io.segpipe.model.layers.GraphTestSupport.gradient;
import static io.segpipe.model.layers.GraphTestSupport.init;
import static io.segpipe.model.layers.GraphTestSupport.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import io.segpipe.model.backend.Nd4jBackend;

/**
 * The memory-efficient dense block computes exactly what the same block built from graph vertices
 * computes (outputs, every gradient, training steps with batch norm's running statistics), passes a
 * double-precision gradient check, round-trips, drops the units it masks in both directions, and
 * keeps less than the vertex block in the graph's activation memory.
 */
class DenseBlockTest {
    private static final int IN = 3;
    private static final int LAYERS = 3;
    private static final int GROWTH = 2;

    @BeforeAll
    static void loadBackend() {
        Nd4jBackend.init();
    }

    @Test
    void equalsTheBlockBuiltFromVerticesInOutputsGradientsAndTrainingSteps() {
        for (boolean newMapsOnly : new boolean[] {false, true}) {
            ComputationGraph block = init(sgd(withBlock(DataType.FLOAT, LAYERS, newMapsOnly, 0)));
            ComputationGraph reference = init(sgd(withVertices(DataType.FLOAT, LAYERS, newMapsOnly)));
            copyParams(reference, block, LAYERS);
            INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 6, 7);
            INDArray labels = Nd4j.rand(DataType.FLOAT, 2, 2, 6, 7);
            String what = newMapsOnly ? "new maps only" : "whole concatenation";

            for (boolean training : new boolean[] {true, false}) {
                INDArray expected = reference.feedForward(new INDArray[] {x}, training).get("out");
                INDArray actual = block.feedForward(new INDArray[] {x}, training).get("out");
                assertEquals(0, maxAbsDiff(expected, actual), 1e-5, what + ": scores, training=" + training);
            }

            // "pre" sits before the block: its gradients check the block's gradient with respect to its input
            MultiDataSet data = new MultiDataSet(new INDArray[] {x}, new INDArray[] {labels});
            Gradient expected = gradient(reference, data);
            Gradient actual = gradient(block, data);
            assertEquals(reference.score(), block.score(), 1e-5, what + ": loss");
            Map<String, INDArray> want = referenceKeys(expected.gradientForVariable(), LAYERS);
            assertEquals(want.keySet(), actual.gradientForVariable().keySet(), what + ": gradient keys");
            for (Map.Entry<String, INDArray> e : actual.gradientForVariable().entrySet()) {
                INDArray w = want.get(e.getKey());
                assertEquals(0, maxAbsDiff(w, e.getValue()), 1e-4 * Math.max(1, w.amaxNumber().doubleValue()),
                        what + ": gradient of " + e.getKey());
            }

            // two SGD steps: the updater treats every parameter as DL4J treats the vertices' (running statistics included)
            for (int step = 0; step < 2; step++) {
                reference.fit(data);
                block.fit(data);
            }
            Map<String, INDArray> after = referenceKeys(reference.paramTable(), LAYERS);
            for (Map.Entry<String, INDArray> e : block.paramTable().entrySet()) {
                INDArray trained = after.get(e.getKey());
                assertEquals(0, maxAbsDiff(trained, e.getValue()), 1e-5 * Math.max(1, trained.amaxNumber().doubleValue()),
                        what + ": " + e.getKey() + " after two training steps");
            }
        }
    }

    @Test
    void passesAGradientCheck() {
        Nd4j.getRandom().setSeed(5);
        for (boolean newMapsOnly : new boolean[] {false, true}) {
            ComputationGraph graph = init(withBlock(DataType.DOUBLE, 2, newMapsOnly, 0));
            assertGradientsMatch(graph, new INDArray[] {Nd4j.rand(DataType.DOUBLE, 1, 3, 4, 3)},
                    new INDArray[] {Nd4j.rand(DataType.DOUBLE, 1, 2, 4, 3)}, null);
        }
    }

    @Test
    void roundTripsThroughJsonAndAModelFile() {
        ComputationGraph graph = init(withBlock(DataType.FLOAT, LAYERS, true, 0.2));
        graph.fit(new MultiDataSet(new INDArray[] {Nd4j.rand(DataType.FLOAT, 2, 3, 6, 6)},
                new INDArray[] {Nd4j.rand(DataType.FLOAT, 2, 2, 6, 6)})); // running statistics move away from 0 and 1
        assertRoundTrips(graph, Nd4j.rand(DataType.FLOAT, 1, 3, 6, 6));
    }

    @Test
    void dropoutMasksTheSameUnitsForwardAndBackward() {
        ComputationGraph graph = init(withBlock(DataType.FLOAT, 1, true, 0.5));
        graph.initGradientsView();
        Layer block = graph.getLayer("block");
        LayerWorkspaceMgr plain = LayerWorkspaceMgr.noWorkspaces();
        block.setInput(Nd4j.rand(DataType.FLOAT, 2, IN, 8, 8), plain);
        INDArray out = block.activate(true, plain).dup();
        INDArray ones = Nd4j.ones(DataType.FLOAT, out.shape());
        Gradient g = block.backpropGradient(ones, plain).getFirst();
        INDArray biasGradient = g.getGradientFor("conv0.b");
        long kept = 0;
        for (int c = 0; c < GROWTH; c++) {
            INDArray channel = out.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all());
            long keptHere = channel.neq(0).castTo(DataType.INT).sumNumber().longValue();
            // inverted dropout at p = 0.5 scales kept units by 2: d(sum of outputs)/d(bias) = 2 x kept units
            assertEquals(2.0 * keptHere, biasGradient.getDouble(c), 1e-3, "bias gradient of channel " + c);
            kept += keptHere;
        }
        long units = out.length();
        assertTrue(kept > units * 0.35 && kept < units * 0.65, "about half the units kept, found " + kept + " of " + units);
        INDArray inference = block.activate(false, plain);
        assertEquals(0, inference.eq(0).castTo(DataType.INT).sumNumber().longValue(), "no unit dropped in inference");
    }

    @Test
    void keepsLessActivationMemoryThanTheVertexBlock() {
        int layers = 8;
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32);
        MultiDataSet data = new MultiDataSet(new INDArray[] {x}, new INDArray[] {Nd4j.rand(DataType.FLOAT, 2, 2, 32, 32)});
        long vertices = activationWorkspaceBytes(init(withVertices(DataType.FLOAT, layers, false)), data);
        long block = activationWorkspaceBytes(init(withBlock(DataType.FLOAT, layers, false, 0)), data);
        // vertices keep per layer the concatenation and its normalised copy, 2·(3 + 2i) channels, 2 x 80 in all,
        // plus the convolution outputs (16) and the final concatenation (19); the block keeps its output (19)
        assertTrue(block * 3 < vertices, "activation workspace: block " + block + " bytes, vertices " + vertices + " bytes");
    }

    @Test
    void refusesBadSizesNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DenseBlock(4, 0, 3, 0, false));
        assertEquals("a dense block needs nIn, layers and growth of at least 1, found nIn=4, layers=0, growth=3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DenseBlock(4, 2, 3, 1.0, false));
        assertEquals("dropout must be in [0, 1), found 1.0", e.getMessage());
        DenseBlock block = new DenseBlock(4, 2, 3, 0, false);
        block.setLayerName("down0");
        InvalidInputTypeException wrong = assertThrows(InvalidInputTypeException.class,
                () -> block.getOutputType(0, InputType.convolutional(8, 8, 5)));
        assertEquals("down0: the dense block was built for 4 input channels, found 5", wrong.getMessage());
    }

    /** The graph's activation workspace after warm-up training steps (DL4J sizes it by what a step keeps). */
    private static long activationWorkspaceBytes(ComputationGraph graph, MultiDataSet data) {
        for (int i = 0; i < 3; i++) {
            graph.fit(data);
        }
        long bytes = Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread("WS_ALL_LAYERS_ACT").getCurrentSize();
        graph.close();
        return bytes;
    }

    /** input -> pre (3x3 conv to IN channels, no bias) -> the block -> out (1x1 conv to 2 channels) -> MSE. */
    private static ComputationGraphConfiguration withBlock(DataType type, int layers, boolean newMapsOnly, double dropout) {
        GraphBuilder g = head(type);
        g.addLayer("block", new DenseBlock(IN, layers, GROWTH, dropout, newMapsOnly), "pre");
        return tail(g, "block");
    }

    /** The same network with the block as FC-DenseNet built it from vertices: BatchNormRelu, LinearConvolution, MergeVertex. */
    private static ComputationGraphConfiguration withVertices(DataType type, int layers, boolean newMapsOnly) {
        GraphBuilder g = head(type);
        String stack = "pre";
        List<String> newMaps = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            g.addLayer("l" + i + "_bn", new BatchNormRelu(), stack);
            g.addLayer("l" + i + "_conv", new LinearConvolution.Builder(3, 3).nOut(GROWTH).build(), "l" + i + "_bn");
            newMaps.add("l" + i + "_conv");
            if (i < layers - 1 || !newMapsOnly) {
                g.addVertex("l" + i + "_concat", new MergeVertex(), stack, "l" + i + "_conv");
                stack = "l" + i + "_concat";
            }
        }
        if (newMapsOnly) {
            g.addVertex("new", new MergeVertex(), newMaps.toArray(String[]::new));
            stack = "new";
        }
        return tail(g, stack);
    }

    private static GraphBuilder head(DataType type) {
        GraphBuilder g = GraphTestSupport.graph(7, type).addInputs("in");
        g.setInputTypes(InputType.convolutional(6, 7, 3));
        // no bias: batch norm cancels it, so its gradient is exactly 0 where only batch norms read the input (new maps only)
        g.addLayer("pre", new LinearConvolution.Builder(3, 3).nOut(IN).hasBias(false).build(), "in");
        return g;
    }

    private static ComputationGraphConfiguration tail(GraphBuilder g, String from) {
        g.addLayer("out", new LinearConvolution.Builder(1, 1).nOut(2).build(), from);
        g.addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), "out");
        g.setOutputs("loss");
        return g.build();
    }

    /** {@code conf} trained by SGD (the gradient check needs DL4J's no-op updater, the training steps a real one). */
    private static ComputationGraphConfiguration sgd(ComputationGraphConfiguration conf) {
        for (var v : conf.getVertices().values()) {
            if (v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv
                    && lv.getLayerConf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b) {
                b.setIUpdater(new Sgd(0.01));
            }
        }
        return conf;
    }

    /** The reference's parameter (or gradient) of a block key: {@code bn2.gamma} is {@code l2_bn_gamma}. */
    private static String referenceKey(String blockKey) {
        int dot = blockKey.indexOf('.');
        String sub = blockKey.substring(0, dot);
        String kind = sub.startsWith("bn") ? "bn" : "conv";
        return "l" + sub.substring(kind.length()) + "_" + kind + "_" + blockKey.substring(dot + 1);
    }

    /** {@code reference}'s per-vertex entries under the block graph's keys ("block_bn0.gamma", "pre_W", ...). */
    private static Map<String, INDArray> referenceKeys(Map<String, INDArray> reference, int layers) {
        Map<String, INDArray> byBlockKey = new java.util.LinkedHashMap<>();
        for (String layer : List.of("pre", "out")) {
            reference.forEach((k, v) -> {
                if (k.startsWith(layer + "_")) {
                    byBlockKey.put(k, v);
                }
            });
        }
        for (String blockKey : blockKeys(layers)) {
            byBlockKey.put("block_" + blockKey, reference.get(referenceKey(blockKey)));
        }
        return byBlockKey;
    }

    private static List<String> blockKeys(int layers) {
        return DenseBlockParamInitializer.INSTANCE.paramKeys(new DenseBlock(IN, layers, GROWTH, 0, false));
    }

    private static void copyParams(ComputationGraph from, ComputationGraph to, int layers) {
        for (String layer : List.of("pre", "out")) {
            to.getLayer(layer).setParams(from.getLayer(layer).params());
        }
        Layer block = to.getLayer("block");
        for (String key : blockKeys(layers)) {
            block.getParam(key).assign(from.getParam(referenceKey(key)));
        }
    }
}
