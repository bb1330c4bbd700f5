package io.segpipe.jobs.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.predict.Segmenter;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * Inference modes against a per-pixel (1x1 convolution + softmax) network, whose output at a pixel
 * depends on that pixel only: for it, sliding windows, flip averaging and (on a constant image)
 * multi-scale averaging must all reproduce whole-image inference.
 */
class PredictorTest {

    private static Segmenter pointwise;

    @BeforeAll
    static void setUp() {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(1);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).weightInit(WeightInit.XAVIER)
                .dataType(DataType.FLOAT).graphBuilder().addInputs("in")
                .addLayer("conv", new ConvolutionLayer.Builder(1, 1).nIn(3).nOut(4).activation(Activation.IDENTITY).build(), "in")
                .addLayer("out", new CnnLossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .build(), "conv")
                .setOutputs("out").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.UNET, 4).depth(1).build();
        pointwise = new Segmenter(net, spec);
    }

    private static INDArray image(long seed, int n, int h, int w) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, n, 3, h, w).muli(4).subi(2);
    }

    private static void assertClose(INDArray expected, INDArray actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= tol, "max difference " + diff);
    }

    @Test
    void slidingWindowEqualsWholeImageForAPointwiseNetwork() {
        INDArray x = image(1, 2, 37, 45);
        INDArray whole = new Predictor(pointwise, InferenceConfig.DEFAULT).probabilities(x);
        Predictor sliding = new Predictor(pointwise, InferenceConfig.builder().slidingWindow(true).tile(16, 20)
                .overlap(0.5).build());
        assertClose(whole, sliding.probabilities(x), 1e-6);
        Predictor.BatchPrediction a = new Predictor(pointwise, InferenceConfig.DEFAULT).predict(x, true);
        Predictor.BatchPrediction b = sliding.predict(x, true);
        assertArrayEquals(a.labels(), b.labels());
        assertArrayEquals(a.confidence(), b.confidence(), 1e-6);
    }

    @Test
    void flipAveragingEqualsWholeImageForAPointwiseNetwork() {
        INDArray x = image(2, 1, 24, 31);
        INDArray whole = new Predictor(pointwise, InferenceConfig.DEFAULT).probabilities(x);
        assertClose(whole, new Predictor(pointwise, InferenceConfig.builder().flip(true).build()).probabilities(x), 1e-6);
    }

    @Test
    void multiScaleOnAConstantImageEqualsWholeImage() {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 1, 3, 20, 30);
        x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.point(1)).assign(0.7);
        INDArray whole = new Predictor(pointwise, InferenceConfig.DEFAULT).probabilities(x);
        Predictor multi = new Predictor(pointwise, InferenceConfig.builder().scales(List.of(0.5, 1.0, 1.75)).flip(true)
                .slidingWindow(true).tile(12, 12).build());
        assertClose(whole, multi.probabilities(x), 1e-5);
    }

    @Test
    void multiScaleOnANoisyImageDiffersButStaysAProbability() {
        INDArray x = image(5, 1, 20, 30);
        INDArray p = new Predictor(pointwise, InferenceConfig.builder().scales(List.of(0.5, 1.5)).build()).probabilities(x);
        INDArray whole = new Predictor(pointwise, InferenceConfig.DEFAULT).probabilities(x);
        assertTrue(whole.sub(p).amaxNumber().doubleValue() > 1e-3, "resizing changes a noisy image's prediction");
        assertClose(Nd4j.ones(DataType.FLOAT, 1, 20, 30), p.sum(1), 1e-5);
    }

    @Test
    void anInputScaleResizesInAndThePredictionBackOut() {
        INDArray x = image(6, 2, 20, 30);
        Predictor half = new Predictor(pointwise, InferenceConfig.DEFAULT, 0.5);
        INDArray p = half.probabilities(x);
        assertArrayEquals(new long[] {2, 4, 20, 30}, p.shape(), "probabilities at the image's size");
        // the network saw the image at half size, exactly as a configured scale of 0.5 shows it
        assertClose(new Predictor(pointwise, InferenceConfig.builder().scales(List.of(0.5)).build()).probabilities(x),
                p, 1e-6);
        INDArray whole = new Predictor(pointwise, InferenceConfig.DEFAULT).probabilities(x);
        assertTrue(whole.sub(p).amaxNumber().doubleValue() > 1e-3, "a noisy image predicted at half size differs");
        Predictor.BatchPrediction labels = half.predict(x, false);
        assertEquals(20, labels.height());
        assertEquals(30, labels.width());
        assertEquals(2 * 20 * 30, labels.labels().length);
    }

    @Test
    void anInputScaleMultipliesTheConfiguredScales() {
        INDArray x = image(7, 1, 24, 32);
        Predictor scaled = new Predictor(pointwise, InferenceConfig.builder().scales(List.of(1.0, 2.0)).flip(true)
                .build(), 0.5);
        Predictor same = new Predictor(pointwise, InferenceConfig.builder().scales(List.of(0.5, 1.0)).flip(true).build());
        assertClose(same.probabilities(x), scaled.probabilities(x), 1e-6);
        assertEquals(0.5, scaled.inputScale());
        assertEquals("inputScale must be in (0, 4], found 0.0", org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> new Predictor(pointwise, InferenceConfig.DEFAULT, 0)).getMessage());
    }

    @Test
    void windowStartsCoverTheImageWithTheLastWindowAlignedToTheEnd() {
        assertArrayEquals(new int[] {0, 20, 40, 60}, Predictor.windowStarts(100, 40, 0.5));
        assertArrayEquals(new int[] {0}, Predictor.windowStarts(100, 100, 0.5));
        assertArrayEquals(new int[] {0}, Predictor.windowStarts(50, 64, 0.5));
        assertArrayEquals(new int[] {0, 4, 6}, Predictor.windowStarts(10, 4, 0));
        assertArrayEquals(new int[] {0, 240, 480, 600}, Predictor.windowStarts(960, 360, 1.0 / 3));
    }

    @Test
    void flipWidthMirrorsColumns() {
        INDArray x = image(9, 2, 3, 5);
        INDArray f = Predictor.flipWidth(x);
        for (int c = 0; c < 5; c++) {
            assertEquals(x.getFloat(1, 2, 1, c), f.getFloat(1, 2, 1, 4 - c), 0f);
        }
        assertClose(x, Predictor.flipWidth(f), 0);
        assertFalse(x.equals(f));
    }

    @Test
    void inferenceConfigJsonRoundTripAndValidation() {
        InferenceConfig c = InferenceConfig.builder().batchSize(8).slidingWindow(true).tile(360, 480).overlap(0.25)
                .scales(List.of(0.75, 1.0, 1.25)).flip(true).build();
        assertEquals(c, InferenceConfig.fromJson(c.toJson()));
        assertEquals(InferenceConfig.DEFAULT, InferenceConfig.fromJson("{}"));
        assertTrue(InferenceConfig.DEFAULT.singlePass());
        assertFalse(c.singlePass());
        assertEquals("inference.tileHeight and inference.tileWidth must both be 0 (the model's training size) or both set, "
                + "found 360x0", org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> c.toBuilder().tileWidth(0).build()).getMessage());
        assertEquals("whole image, batch 4", InferenceConfig.DEFAULT.describe());
        assertEquals("sliding window 360x480, overlap 0.25, scales [0.75, 1.0, 1.25], flip averaging, batch 8",
                c.describe());
        assertTrue(InferenceConfig.DEFAULT.predictsLike(InferenceConfig.builder().batchSize(16).build()),
                "batch size changes no prediction");
        assertFalse(InferenceConfig.DEFAULT.predictsLike(InferenceConfig.builder().flip(true).build()));
        assertEquals("inference.scales values must be in [0.25, 4], found [0.1]",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> c.toBuilder().scales(List.of(0.1)).build()).getMessage());
    }
}
