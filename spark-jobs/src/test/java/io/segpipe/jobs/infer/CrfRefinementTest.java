package io.segpipe.jobs.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

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
import io.segpipe.model.crf.CrfConfig;
import io.segpipe.model.crf.CrfImage;
import io.segpipe.model.crf.DenseCrf;
import io.segpipe.model.predict.Segmenter;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.reader.TensorSample;

/**
 * The glue from a batch's probabilities and its images' colours to labels and confidences when the
 * dense CRF is on ({@link CrfRefinement}, reached through {@link Predictor#labels}), and the
 * partition loop that hands it each sample's decoded pixels.
 */
class CrfRefinementTest {

    private static final int H = 20;
    private static final int W = 24;
    private static final int K = 3;

    /** A 1x1 convolution + softmax network (its output at a pixel depends on that pixel only). */
    private static Segmenter pointwise;

    @BeforeAll
    static void setUp() {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(1);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).weightInit(WeightInit.XAVIER)
                .dataType(DataType.FLOAT).graphBuilder().addInputs("in")
                .addLayer("conv", new ConvolutionLayer.Builder(1, 1).nIn(3).nOut(K).activation(Activation.IDENTITY).build(), "in")
                .addLayer("out", new CnnLossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .build(), "conv")
                .setOutputs("out").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        pointwise = new Segmenter(net, SegmentationSpec.builder(Architecture.UNET, K).depth(1).build());
    }

    /** The true labels: class 0 left of {@code split}, class 1 from it on. */
    private static int[] truth(int split) {
        int[] t = new int[H * W];
        for (int p = 0; p < t.length; p++) {
            t[p] = p % W < split ? 0 : 1;
        }
        return t;
    }

    /** RGB, interleaved: two flat colours (a little noise) meeting at column {@code split}. */
    private static byte[] twoColours(int split, long seed) {
        Random random = new Random(seed);
        byte[] px = new byte[H * W * 3];
        int[][] colours = {{40, 60, 80}, {200, 180, 90}};
        for (int p = 0; p < H * W; p++) {
            int[] c = colours[p % W < split ? 0 : 1];
            for (int ch = 0; ch < 3; ch++) {
                px[p * 3 + ch] = (byte) (c[ch] + random.nextInt(5) - 2);
            }
        }
        return px;
    }

    /**
     * A noisy network's output for {@code truth}: the true class 0.6 (0.3 to the other region's
     * class), except at a fifth of the pixels, chosen at random, where the wrong region's class wins
     * with 0.55 against 0.35; class 2 always 0.1.
     */
    private static float[] noisyProbabilities(int[] truth, long seed) {
        Random random = new Random(seed);
        int n = truth.length;
        float[] p = new float[K * n];
        for (int i = 0; i < n; i++) {
            boolean wrong = random.nextDouble() < 0.2;
            int right = truth[i];
            p[right * n + i] = wrong ? 0.35f : 0.6f;
            p[(1 - right) * n + i] = wrong ? 0.55f : 0.3f;
            p[2 * n + i] = 0.1f;
        }
        return p;
    }

    private static int errors(int[] labels, int offset, int[] truth) {
        int wrong = 0;
        for (int i = 0; i < truth.length; i++) {
            if (labels[offset + i] != truth[i]) {
                wrong++;
            }
        }
        return wrong;
    }

    @Test
    void aNoisyTwoRegionMapIsCleanedAndTheLabelsAreTheCrfsOwn() {
        int[] truthA = truth(12);
        int[] truthB = truth(7);
        float[] pa = noisyProbabilities(truthA, 1);
        float[] pb = noisyProbabilities(truthB, 2);
        CrfImage a = CrfImage.interleaved(twoColours(12, 3), H, W, 3);
        CrfImage b = CrfImage.interleaved(twoColours(7, 4), H, W, 3);
        float[] both = new float[2 * K * H * W];
        System.arraycopy(pa, 0, both, 0, pa.length);
        System.arraycopy(pb, 0, both, pa.length, pb.length);
        INDArray batch = Nd4j.createFromArray(both).reshape(2, K, H, W);

        Predictor predictor = new Predictor(pointwise, InferenceConfig.builder().crf(CrfConfig.DEFAULT).build());
        Predictor.BatchPrediction refined = predictor.labels(batch, List.of(a, b), true);
        Predictor.BatchPrediction plain = new Predictor(pointwise, InferenceConfig.DEFAULT).labels(batch, null, true);

        int plainErrors = errors(plain.labels(), 0, truthA) + errors(plain.labels(), H * W, truthB);
        int refinedErrors = errors(refined.labels(), 0, truthA) + errors(refined.labels(), H * W, truthB);
        assertTrue(plainErrors > 100, "the arg-max keeps the noise: " + plainErrors + " wrong pixels");
        assertEquals(0, refinedErrors, "the CRF cleans both images");

        // image by image, what DenseCrf computes on its own, at the right offsets of the batch
        DenseCrf crf = new DenseCrf(CrfConfig.DEFAULT);
        assertArrayEquals(crf.refineLabels(pa, K, H, W, a), Arrays.copyOfRange(refined.labels(), 0, H * W));
        assertArrayEquals(crf.refineLabels(pb, K, H, W, b), Arrays.copyOfRange(refined.labels(), H * W, 2 * H * W));
        assertEquals(meanMax(crf.refine(pa, K, H, W, a)), refined.confidence()[0], 1e-9);
        assertEquals(meanMax(crf.refine(pb, K, H, W, b)), refined.confidence()[1], 1e-9);
        assertTrue(refined.confidence()[0] > plain.confidence()[0], "the refined distribution is more certain");
    }

    private static double meanMax(float[] q) {
        int n = H * W;
        double sum = 0;
        for (int p = 0; p < n; p++) {
            float best = q[p];
            for (int l = 1; l < K; l++) {
                best = Math.max(best, q[l * n + p]);
            }
            sum += best;
        }
        return sum / n;
    }

    @Test
    void greyImagesAreRefinedToo() {
        int[] truth = truth(10);
        byte[] rgb = twoColours(10, 5);
        byte[] grey = new byte[H * W];
        for (int p = 0; p < grey.length; p++) {
            grey[p] = rgb[p * 3];
        }
        INDArray p = Nd4j.createFromArray(noisyProbabilities(truth, 6)).reshape(1, K, H, W);
        Predictor.BatchPrediction refined = new CrfRefinement(CrfConfig.DEFAULT)
                .predict(p, List.of(CrfImage.interleaved(grey, H, W, 1)), false);
        assertEquals(0, errors(refined.labels(), 0, truth));
        assertEquals(null, refined.confidence());
    }

    @Test
    void anImageOfAnotherSizeThanItsProbabilitiesIsRefusedNamingTheOption() {
        INDArray p = Nd4j.createFromArray(noisyProbabilities(truth(10), 7)).reshape(1, K, H, W);
        CrfImage half = CrfImage.interleaved(new byte[H / 2 * W / 2 * 3], H / 2, W / 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CrfRefinement(CrfConfig.DEFAULT).predict(p, List.of(half), false));
        assertEquals("inference.crf runs at the image's own size: image 0 of the batch is 10x12 but its probabilities "
                + "are 20x24 (height x width); probabilities must be resized back to the image before the CRF", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CrfRefinement(CrfConfig.DEFAULT).predict(p, List.of(), false));
    }

    @Test
    void withTheCrfOnLabelsNeedTheColours() {
        Predictor predictor = new Predictor(pointwise, InferenceConfig.builder().crf(CrfConfig.DEFAULT).build());
        assertTrue(predictor.usesCrf());
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, 4, 5);
        assertEquals("inference.crf is on but no image colours were given",
                assertThrows(IllegalStateException.class, () -> predictor.predict(x, false)).getMessage());
        TensorSample withoutPixels = new TensorSample("s1", null, 3, 4, 5, new float[60], null);
        assertTrue(assertThrows(IllegalStateException.class, () -> CrfRefinement.image(withoutPixels)).getMessage()
                .startsWith("sample s1 was decoded without its 8-bit pixels, which inference.crf compares"));
    }

    /**
     * A sample whose network input is noise (so the network's labels are noisy) and whose decoded
     * pixels are two flat colours meeting at a column that depends on the seed: the CRF's labels then
     * follow the pixels it is given, so they tell one sample's colours from another's.
     */
    private static TensorSample sample(String id, int h, int w, long seed) {
        Random random = new Random(seed);
        int split = 1 + random.nextInt(w - 1);
        int[][] colours = {{30, 40, 200}, {220, 200, 40}};
        byte[] px = new byte[h * w * 3];
        float[] chw = new float[3 * h * w];
        for (int i = 0; i < h * w; i++) {
            for (int c = 0; c < 3; c++) {
                px[i * 3 + c] = (byte) (colours[i % w < split ? 0 : 1][c] + random.nextInt(5) - 2);
                chw[c * h * w + i] = random.nextFloat() * 4 - 2;
            }
        }
        return new TensorSample(id, null, 3, h, w, chw, null, px);
    }

    @Test
    void thePartitionLoopRefinesEverySampleWithItsOwnPixelsAndTimesTheCrfApart() throws Exception {
        CrfConfig config = CrfConfig.builder().iterations(5).build();
        Predictor withCrf = new Predictor(pointwise, InferenceConfig.builder().batchSize(2).crf(config).build());
        Predictor without = new Predictor(pointwise, InferenceConfig.builder().batchSize(2).build());
        List<TensorSample> samples = List.of(sample("a", 6, 8, 1), sample("b", 6, 8, 2), sample("c", 6, 8, 3),
                sample("d", 9, 5, 4));
        PartitionInference<TensorSample> loop = PartitionInference.ofSamples(withCrf, true);
        List<ImagePrediction> seen = new ArrayList<>();
        loop.run(samples.iterator(), (s, p) -> seen.add(p));
        assertEquals(4, seen.size());
        DenseCrf crf = new DenseCrf(config);
        int changed = 0;
        for (int i = 0; i < samples.size(); i++) {
            TensorSample s = samples.get(i);
            INDArray p = without.probabilities(Tensors.batch(List.of(s.image()), 3, s.height(), s.width()));
            float[] planes = p.dup('c').data().asFloat();
            CrfImage image = CrfImage.interleaved(s.pixels(), s.height(), s.width(), 3);
            int[] expected = crf.refineLabels(planes, K, s.height(), s.width(), image);
            int[] got = new int[s.height() * s.width()];
            for (int j = 0; j < got.length; j++) {
                got[j] = seen.get(i).label(j);
            }
            assertArrayEquals(expected, got, s.id());
            assertEquals(meanMax(crf.refine(planes, K, s.height(), s.width(), image), K, got.length),
                    seen.get(i).confidence(), 1e-5, s.id());
            int[] argMax = DenseCrf.argMax(planes, K, s.height(), s.width());
            for (int j = 0; j < got.length; j++) {
                changed += argMax[j] != got[j] ? 1 : 0;
            }
        }
        assertTrue(changed > 0, "the CRF changed no label: the comparison cannot tell it from the arg-max");
        assertTrue(loop.networkNanos() > 0);
        assertTrue(loop.crfNanos() > 0);

        PartitionInference<TensorSample> bare = PartitionInference.ofSamples(withCrf, false);
        TensorSample noPixels = new TensorSample("bare", null, 3, 6, 8, new float[3 * 6 * 8], null);
        assertThrows(IllegalStateException.class, () -> bare.run(List.of(noPixels).iterator(), (s, p) -> { }));
    }

    private static double meanMax(float[] q, int classes, int n) {
        double sum = 0;
        for (int p = 0; p < n; p++) {
            float best = q[p];
            for (int l = 1; l < classes; l++) {
                best = Math.max(best, q[l * n + p]);
            }
            sum += best;
        }
        return sum / n;
    }
}
