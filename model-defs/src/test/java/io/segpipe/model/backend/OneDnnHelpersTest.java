package io.segpipe.model.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The oneDNN fast path (docs/stack.md, "oneDNN helpers"): it must be engaged on the CPU backend, and a network
 * must compute the same outputs and gradients with and without it.
 */
class OneDnnHelpersTest {
    private static final int CLASSES = 3;
    private static BackendInfo backend;

    @BeforeAll
    static void loadBackend() {
        backend = Nd4jBackend.init();
    }

    @AfterAll
    static void restoreDefault() {
        System.setProperty(Nd4jBackend.HELPERS_DISABLE_PROPERTY, "false");
    }

    @Test
    void helpersAreEngagedOnTheCpuBackendWhenOneDnnIsPackaged() {
        assumeTrue(backend.isCpu(), "CPU backend only");
        assertTrue(backend.nativeBuild().contains("onednn"),
                "the default build must package the oneDNN natives, found " + backend.nativeBuild());
        assertTrue(backend.oneDnnAvailable(), "libnd4j reports oneDNN off");
        assertTrue(backend.helpersEnabled(), "DL4J helper creation is disabled");
        assertTrue(backend.oneDnnHelpersEngaged(), "DL4J's oneDNN support check fails");

        ComputationGraph graph = network(true);
        fitOnce(graph);
        assertInstanceOf(MKLDNNConvHelper.class, helper(graph, "conv1"));
        assertInstanceOf(MKLDNNBatchNormHelper.class, helper(graph, "bn1"));
        assertInstanceOf(MKLDNNSubsamplingHelper.class, helper(graph, "pool1"));
        assertInstanceOf(MKLDNNConvHelper.class, helper(graph, "conv2"));
    }

    @Test
    void outputsAndGradientsAgreeWithAndWithoutHelpers() {
        assumeTrue(backend.isCpu(), "CPU backend only");
        ComputationGraph plain = network(false);
        ComputationGraph fast = network(true);
        assertEquals(null, helper(plain, "conv1"), "helper created although disabled");
        fast.setParams(plain.params().dup());

        INDArray features = Nd4j.rand(DataType.FLOAT, 4, 3, 16, 16).subi(0.5);
        INDArray labels = oneHotLabels(4, 16, 16);

        INDArray outPlain = plain.outputSingle(false, features);
        INDArray outFast = fast.outputSingle(false, features);
        assertClose("inference output", outPlain, outFast);

        plain.setInputs(features);
        plain.setLabels(labels);
        plain.computeGradientAndScore();
        fast.setInputs(features);
        fast.setLabels(labels);
        fast.computeGradientAndScore();
        assertEquals(plain.score(), fast.score(), 1e-4 * Math.abs(plain.score()), "training loss");
        Map<String, INDArray> gradPlain = plain.gradient().gradientForVariable();
        Map<String, INDArray> gradFast = fast.gradient().gradientForVariable();
        assertEquals(gradPlain.keySet(), gradFast.keySet());
        for (String variable : gradPlain.keySet()) {
            assertClose("gradient " + variable, gradPlain.get(variable), gradFast.get(variable));
        }
    }

    /** conv + BN + ReLU + max-pool + conv + deconv + per-pixel softmax: the layers with helpers. */
    private static ComputationGraph network(boolean helpers) {
        System.setProperty(Nd4jBackend.HELPERS_DISABLE_PROPERTY, Boolean.toString(!helpers));
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(DataType.FLOAT)
                .updater(new Sgd(0.01))
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("in")
                .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).nOut(8).hasBias(false) // BN follows: a bias gets no gradient
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn1", new BatchNormalization.Builder().activation(Activation.RELU).build(), "conv1")
                .addLayer("pool1", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2).stride(2, 2).build(), "bn1")
                .addLayer("conv2", new ConvolutionLayer.Builder(3, 3).nOut(16).activation(Activation.RELU).build(), "pool1")
                .addLayer("up", new Deconvolution2D.Builder(2, 2).stride(2, 2).nOut(8).activation(Activation.RELU).build(), "conv2")
                .addLayer("score", new ConvolutionLayer.Builder(1, 1).nOut(CLASSES).activation(Activation.IDENTITY).build(), "up")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX).build(), "score")
                .setOutputs("loss")
                .setInputTypes(InputType.convolutional(16, 16, 3))
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    private static void fitOnce(ComputationGraph graph) {
        graph.fit(new org.nd4j.linalg.dataset.DataSet(Nd4j.rand(DataType.FLOAT, 2, 3, 16, 16), oneHotLabels(2, 16, 16)));
    }

    private static INDArray oneHotLabels(int n, int h, int w) {
        INDArray labels = Nd4j.zeros(DataType.FLOAT, n, CLASSES, h, w);
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    labels.putScalar(new int[] {i, (x + y + i) % CLASSES, y, x}, 1f);
                }
            }
        }
        return labels;
    }

    private static Object helper(ComputationGraph graph, String layerName) {
        Layer layer = graph.getLayer(layerName);
        return layer.getHelper();
    }

    /** Relative L2 error below 1e-4: float arithmetic in another order, nothing more. */
    private static void assertClose(String what, INDArray expected, INDArray actual) {
        double norm = expected.norm2Number().doubleValue();
        double error = expected.sub(actual).norm2Number().doubleValue();
        double relative = norm == 0 ? error : error / norm;
        assertTrue(relative < 1e-4, what + ": relative error " + relative + " (norm " + norm + ")");
    }
}
