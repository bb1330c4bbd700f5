package io.segpipe.model.layers;

import static io.segpipe.model.layers.GraphTestSupport.assertGradientsMatch;
import static io.segpipe.model.layers.GraphTestSupport.assertRoundTrips;
import static io.segpipe.model.layers.GraphTestSupport.gradient;
import static io.segpipe.model.layers.GraphTestSupport.init;
import static io.segpipe.model.layers.GraphTestSupport.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Field;
import java.util.Map;

import io.segpipe.model.backend.Nd4jBackend;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * LinearConvolution trains exactly like DL4J's ConvolutionLayer with the identity activation and a
 * cached pre-activation, without the cache.
 */
class LinearConvolutionTest {

    @BeforeAll
    static void loadBackend() {
        Nd4jBackend.init();
    }

    @Test
    void givesAPlainConvolutionsLossAndGradientsOnTheOneDnnPath() {
        ComputationGraph plain = init(graph(DataType.FLOAT, new ConvolutionLayer.Builder(3, 3)));
        ComputationGraph linear = init(graph(DataType.FLOAT, new LinearConvolution.Builder(3, 3)));
        assertInstanceOf(MKLDNNConvHelper.class, helperOf(linear.getLayer("conv")), "oneDNN must do the convolution");
        linear.setParams(plain.params());
        MultiDataSet data = data(DataType.FLOAT);

        Gradient expected = gradient(plain, data);
        Gradient actual = gradient(linear, data);
        assertEquals(plain.score(), linear.score(), 1e-6, "loss");
        assertEquals(expected.gradientForVariable().keySet(), actual.gradientForVariable().keySet());
        for (Map.Entry<String, INDArray> e : actual.gradientForVariable().entrySet()) {
            // "pre" before the convolution checks the gradient it passes down, not only its own
            assertEquals(0, maxAbsDiff(expected.getGradientFor(e.getKey()), e.getValue()), 1e-6,
                    "gradient of " + e.getKey());
        }
    }

    @Test
    void keepsNoCopyOfItsOutputWhileAPlainConvolutionDoes() throws ReflectiveOperationException {
        ComputationGraph plain = init(graph(DataType.FLOAT, new ConvolutionLayer.Builder(3, 3)));
        ComputationGraph linear = init(graph(DataType.FLOAT, new LinearConvolution.Builder(3, 3)));
        MultiDataSet data = data(DataType.FLOAT);
        plain.fit(data);
        linear.fit(data);
        assertNotNull(preOutput(plain.getLayer("conv")), "a plain convolution caches its pre-activation");
        assertNull(preOutput(linear.getLayer("conv")));
    }

    @Test
    void passesAGradientCheck() {
        Nd4j.getRandom().setSeed(5);
        ComputationGraph graph = init(graph(DataType.DOUBLE, new LinearConvolution.Builder(3, 3)));
        MultiDataSet data = data(DataType.DOUBLE);
        assertGradientsMatch(graph, data.getFeatures(), data.getLabels(), null);
    }

    @Test
    void roundTripsThroughJsonAndModelFiles() {
        ComputationGraph graph = init(graph(DataType.FLOAT, new LinearConvolution.Builder(3, 3)));
        assertRoundTrips(graph, data(DataType.FLOAT).getFeatures(0));
    }

    @Test
    void refusesAnActivation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LinearConvolution.Builder(3, 3).nOut(2).activation(Activation.RELU).build());
        assertEquals("a LinearConvolution has no activation, found relu", e.getMessage());
    }

    private static Object helperOf(Layer layer) {
        return ((org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) layer).getHelper();
    }

    private static Object preOutput(Layer layer) throws ReflectiveOperationException {
        Field field = AbstractLayer.class.getDeclaredField("preOutput");
        field.setAccessible(true);
        return field.get(layer);
    }

    private static MultiDataSet data(DataType type) {
        Nd4j.getRandom().setSeed(9);
        return new MultiDataSet(new INDArray[] {Nd4j.rand(type, 2, 3, 7, 5).subi(0.5)},
                new INDArray[] {Nd4j.rand(type, 2, 2, 7, 5)});
    }

    /** in -> "pre" 1x1 conv (tanh) -> "conv" 3x3, 4 channels, no bias -> batch norm -> 1x1 scores -> MSE. */
    private static ComputationGraphConfiguration graph(DataType type, ConvolutionLayer.Builder conv) {
        return new NeuralNetConfiguration.Builder()
                .seed(21)
                .dataType(type)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .convolutionMode(ConvolutionMode.Same)
                .cacheMode(CacheMode.DEVICE) // as segpipe's networks: plain convolutions keep their pre-activation
                .graphBuilder()
                .addInputs("in")
                .addLayer("pre", new ConvolutionLayer.Builder(1, 1).nOut(3).activation(Activation.TANH).build(), "in")
                .addLayer("conv", conv.nOut(4).hasBias(false).activation(Activation.IDENTITY).build(), "pre")
                .addLayer("bn", new BatchNormalization.Builder().build(), "conv")
                .addLayer("scores", new ConvolutionLayer.Builder(1, 1).nOut(2).activation(Activation.IDENTITY).build(), "bn")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), "scores")
                .setOutputs("loss")
                .setInputTypes(InputType.convolutional(7, 5, 3))
                .build();
    }
}
