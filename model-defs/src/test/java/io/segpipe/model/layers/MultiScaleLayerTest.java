package io.segpipe.model.layers;

import static io.segpipe.model.layers.GraphTestSupport.assertRoundTrips;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.ops.transforms.Transforms;

import io.segpipe.model.backend.Nd4jBackend;

/**
 * Multi-scale inputs with shared weights: the gradient (of the parameters, and through the layer to
 * what is before it) is the derivative of the summed losses of the fused and per-scale outputs, the
 * fused output is the maximum of the scales' scores of one set of weights, batch norm statistics
 * move as much as in one network, the network's updater and learning rate reach the body, and the
 * configuration and model files round-trip.
 */
class MultiScaleLayerTest {
    private static final double[] SCALES = {1, 0.75, 0.5};
    private static final int K = 3;

    @BeforeAll
    static void loadBackend() {
        Nd4jBackend.init();
    }

    /** Image (2 channels) to K scores: conv, batch norm + ReLU, an atrous conv (space-to-batch), a 1x1 sum branch. */
    private static ComputationGraphConfiguration body(DataType type, int channels) {
        ComputationGraphConfiguration.GraphBuilder g = GraphTestSupport.graph(3, type).addInputs("in");
        g.addLayer("conv", new LinearConvolution.Builder(3, 3).nOut(4).hasBias(false).build(), "in");
        g.addLayer("bn", new BatchNormRelu(), "conv");
        String atrous = Atrous.addConv(g, "atrous", "bn", new LinearConvolution.Builder(3, 3).nOut(K).build(), 2);
        g.addLayer("pointwise", new LinearConvolution.Builder(1, 1).nOut(K).build(), "bn");
        g.addVertex("scores", new ElementWiseVertex(ElementWiseVertex.Op.Add), atrous, "pointwise");
        return g.setOutputs("scores").setInputTypes(InputType.convolutional(9, 11, channels)).build();
    }

    /** in → [1x1 conv] → msc → loss; the conv before it checks the gradient the layer passes back. */
    private static ComputationGraph network(DataType type, double[] scales, boolean convBefore, double learningRate) {
        ComputationGraphConfiguration.GraphBuilder g = sgdGraph(type, learningRate).addInputs("in");
        String x = "in";
        if (convBefore) {
            g.addLayer("before", new ConvolutionLayer.Builder(1, 1).nOut(2).activation(Activation.TANH).build(), x);
            x = "before";
        }
        g.addLayer("msc", new MultiScaleLayer(body(type, 2), scales), x);
        g.addLayer("output", new MultiScaleLossLayer(new LossMCXENT(), Activation.SOFTMAX.getActivationFunction(),
                scales.length + 1), "msc");
        return GraphTestSupport.init(g.setOutputs("output").setInputTypes(InputType.convolutional(9, 11, 2)).build());
    }

    private static INDArray oneHot(int n, int h, int w, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray classes = Nd4j.rand(DataType.DOUBLE, n, 1, h, w).muli(K).castTo(DataType.INT).castTo(DataType.DOUBLE);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, n, K, h, w);
        for (int c = 0; c < K; c++) {
            labels.get(NDArrayIndex.all(), NDArrayIndex.point(c)).assign(classes.get(NDArrayIndex.all(), NDArrayIndex.point(0)).eq(c));
        }
        return labels;
    }

    @Test
    void gradientsAreThoseOfTheSummedLossesIncludingTheInputGradient() {
        ComputationGraph net = network(DataType.DOUBLE, SCALES, true, 1);
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, 9, 11);
        Set<String> runningStatistics = new HashSet<>();
        for (String p : List.of(BatchNormalizationParamInitializer.GLOBAL_MEAN, BatchNormalizationParamInitializer.GLOBAL_VAR,
                BatchNormalizationParamInitializer.GLOBAL_LOG_STD)) {
            runningStatistics.add("msc_" + MultiScaleLayer.key("bn", p));
        }
        DataType defaultType = Nd4j.dataType();
        DataType defaultFloatingType = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        boolean ok;
        try {
            ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig()
                    .net(net)
                    .inputs(new INDArray[] {x})
                    .labels(new INDArray[] {oneHot(2, 9, 11, 12)})
                    .epsilon(1e-6)
                    .maxRelError(1e-5)
                    .minAbsoluteError(1e-9)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
                    .excludeParams(runningStatistics)
                    // every parameter array, up to 8 entries each: three bodies without workspaces are slow to perturb
                    .subset(true)
                    .maxPerParam(8)
                    .exitOnFirstError(false));
        } finally {
            Nd4j.setDefaultDataTypes(defaultType, defaultFloatingType);
        }
        assertTrue(ok, "gradient check failed; see the log for the failing parameters");
        // the parameters of the layer before were checked too: the gradient reaches through the layer
        assertTrue(net.paramTable().containsKey("before_W"));
    }

    @Test
    void scoreIsTheSumOfTheFusedAndPerScaleLossesAndTheOutputTheFusedPrediction() {
        ComputationGraph net = network(DataType.DOUBLE, SCALES, false, 1);
        Nd4j.getRandom().setSeed(21);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, 9, 11);
        INDArray labels = oneHot(2, 9, 11, 22);
        INDArray stacked = net.feedForward(new INDArray[] {x}, false).get("msc");
        assertArrayEquals(new long[] {8, K, 9, 11}, stacked.shape());
        double expected = 0;
        for (int o = 0; o < 4; o++) {
            INDArray slice = stacked.get(NDArrayIndex.interval(2 * o, 2 * o + 2));
            expected += new LossMCXENT().computeScore(to2d(labels), to2d(slice), Activation.SOFTMAX.getActivationFunction(), null, false) / 2;
        }
        assertEquals(expected, net.score(new DataSet(x, labels), false), 1e-9);
        INDArray fusedProbabilities = Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax(
                stacked.get(NDArrayIndex.interval(0, 2)).dup(), 1))[0];
        assertEquals(fusedProbabilities, net.outputSingle(x));
    }

    @Test
    void fusedScoresAreTheMaximumOverScalesOfOneSetOfWeights() {
        ComputationGraph net = network(DataType.DOUBLE, SCALES, false, 1);
        Nd4j.getRandom().setSeed(31);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 1, 2, 9, 11);
        INDArray stacked = net.feedForward(new INDArray[] {x}, false).get("msc");
        // one standalone body on the layer's parameters reproduces every scale
        ComputationGraph body = new ComputationGraph(body(DataType.DOUBLE, 2));
        body.init(net.getLayer("msc").params().dup().reshape(1, -1), false);
        INDArray full = body.outputSingle(x);
        INDArray fused = full.dup();
        for (int s = 0; s < SCALES.length; s++) {
            INDArray scaled = BilinearInterpolation.resize(x, MultiScaleLayer.scaledSize(9, SCALES[s]),
                    MultiScaleLayer.scaledSize(11, SCALES[s]), BilinearInterpolation.Alignment.CORNERS);
            INDArray scores = body.outputSingle(scaled);
            INDArray atInput = BilinearInterpolation.resize(scores, 9, 11, BilinearInterpolation.Alignment.CORNERS);
            assertTrue(GraphTestSupport.maxAbsDiff(atInput, stacked.get(NDArrayIndex.interval(s + 1, s + 2))) < 1e-12, "scale " + SCALES[s]);
            fused = Transforms.max(fused, BilinearInterpolation.resize(scores, full.size(2), full.size(3),
                    BilinearInterpolation.Alignment.CORNERS), false);
        }
        INDArray fusedAtInput = BilinearInterpolation.resize(fused, 9, 11, BilinearInterpolation.Alignment.CORNERS);
        assertTrue(GraphTestSupport.maxAbsDiff(fusedAtInput, stacked.get(NDArrayIndex.interval(0, 1))) < 1e-12, "fused");
        assertEquals(3L * 3 * 2 * 4 + 4 * 4 + 3 * 3 * 4 * K + K + 4 * K + K, net.numParams(),
                "one set of body parameters (conv, batch norm with running statistics, two score convolutions)");
    }

    @Test
    void batchNormStatisticsMoveAsInOneNetworkAndTheNetworksLearningRateReachesTheBody() {
        // three identical scales: each body sees the same batch, so the averaged move is one network's move
        ComputationGraph msc = network(DataType.DOUBLE, new double[] {1, 1, 1}, false, 0);
        Map<String, INDArray> table = msc.getLayer("msc").paramTable();
        ComputationGraph reference = referenceNetwork(table);
        Nd4j.getRandom().setSeed(41);
        DataSet batch = new DataSet(Nd4j.rand(DataType.DOUBLE, 2, 2, 9, 11), oneHot(2, 9, 11, 42));
        INDArray weights = table.get(MultiScaleLayer.key("conv", "W"));
        INDArray weightsBefore = weights.dup();
        INDArray meanBefore = reference.getParam("bn_mean").dup();
        msc.fit(batch);
        reference.fit(batch);
        assertTrue(reference.getParam("bn_mean").sub(meanBefore).amaxNumber().doubleValue() > 1e-6, "the reference's mean moved");
        for (String stat : List.of(BatchNormalizationParamInitializer.GLOBAL_MEAN, BatchNormalizationParamInitializer.GLOBAL_LOG_STD)) {
            assertTrue(GraphTestSupport.maxAbsDiff(reference.getParam("bn_" + stat), table.get(MultiScaleLayer.key("bn", stat))) < 1e-12,
                    stat + " moved once, not three times");
        }
        assertEquals(0.0, GraphTestSupport.maxAbsDiff(weightsBefore, weights), "learning rate 0: weights unchanged");
        msc.setLearningRate(0.5);
        msc.fit(batch);
        assertTrue(GraphTestSupport.maxAbsDiff(weightsBefore, weights) > 1e-6, "the network's new learning rate trains the body");
    }

    /** The body with a CnnLossLayer, SGD at rate 0, parameters copied from the multi-scale layer's {@code table}. */
    private static ComputationGraph referenceNetwork(Map<String, INDArray> table) {
        ComputationGraphConfiguration.GraphBuilder g = sgdGraph(DataType.DOUBLE, 0).addInputs("in");
        g.addLayer("conv", new LinearConvolution.Builder(3, 3).nOut(4).hasBias(false).build(), "in");
        g.addLayer("bn", new BatchNormRelu(), "conv");
        String atrous = Atrous.addConv(g, "atrous", "bn", new LinearConvolution.Builder(3, 3).nOut(K).build(), 2);
        g.addLayer("pointwise", new LinearConvolution.Builder(1, 1).nOut(K).build(), "bn");
        g.addVertex("scores", new ElementWiseVertex(ElementWiseVertex.Op.Add), atrous, "pointwise");
        g.addLayer("output", new CnnLossLayer.Builder(new LossMCXENT()).activation(Activation.SOFTMAX).build(), "scores");
        ComputationGraph net = GraphTestSupport.init(g.setOutputs("output").setInputTypes(InputType.convolutional(9, 11, 2)).build());
        net.paramTable().forEach((name, view) -> {
            int split = name.lastIndexOf('_');
            view.assign(table.get(MultiScaleLayer.key(name.substring(0, split), name.substring(split + 1))));
        });
        return net;
    }

    @Test
    void roundTripsThroughJsonAndModelFiles() {
        ComputationGraph net = network(DataType.DOUBLE, SCALES, false, 1);
        Nd4j.getRandom().setSeed(51);
        assertRoundTrips(net, Nd4j.rand(DataType.DOUBLE, 2, 2, 10, 7));
    }

    @Test
    void rejectsScalesItCannotFuse() {
        ComputationGraphConfiguration body = body(DataType.FLOAT, 2);
        assertEquals("scales must start with 1 (the full image), found [0.5, 1.0]",
                assertThrows(IllegalArgumentException.class, () -> new MultiScaleLayer(body, 0.5, 1)).getMessage());
        assertEquals("scales must be in (0, 1], found [1.0, 1.5]",
                assertThrows(IllegalArgumentException.class, () -> new MultiScaleLayer(body, 1, 1.5)).getMessage());
    }

    /** As {@link GraphTestSupport#graph}, trained by SGD at {@code learningRate} (rate 1 passes DL4J's gradient check). */
    private static ComputationGraphConfiguration.GraphBuilder sgdGraph(DataType type, double learningRate) {
        return new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(type)
                .updater(new Sgd(learningRate))
                .weightInit(WeightInit.XAVIER)
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder();
    }

    private static INDArray to2d(INDArray x) {
        return x.permute(0, 2, 3, 1).dup('c').reshape('c', -1, x.size(1));
    }
}
