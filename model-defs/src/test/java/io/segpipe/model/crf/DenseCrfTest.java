package io.segpipe.model.crf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DenseCrfTest {
    private static final int H = 12;
    private static final int W = 10;
    private static final int N = H * W;
    private static final int K = 3;

    /**
     * One mean-field step from the network's probabilities with the lattice against the same step
     * with the exact Gaussian kernels (each normalised by its total weight, the pixel's own marginal
     * left out, Potts written out as a matrix). The difference is the lattice's filtering error (see
     * {@link PermutohedralLatticeTest}) carried through the softmax. Measured relative L2 error of the
     * marginals: 0.0195 (largest difference of one probability 0.061) with colours that share lattice
     * points (θβ = 20), 0.0470 (0.109) with the default θβ = 5, below this image's colour noise; the
     * tolerances sit just above. Including each pixel's own marginal in its messages, or not
     * stepping at all, is 0.10–0.21 away, so the test tells the paper's update from those.
     */
    @ParameterizedTest(name = "thetaAlpha = {0}, thetaBeta = {1}, thetaGamma = {2}")
    @CsvSource({"5, 20, 1, 0.03", "60, 5, 3, 0.07"})
    void oneMeanFieldStepMatchesTheBruteForceStep(double thetaAlpha, double thetaBeta, double thetaGamma, double tolerance) {
        CrfConfig config = CrfConfig.builder().w1(4).thetaAlpha(thetaAlpha).thetaBeta(thetaBeta).w2(3).thetaGamma(thetaGamma)
                .iterations(1).build();
        CrfImage image = TestScenes.twoRegions(H, W, 8, 5);
        float[] probabilities = TestScenes.randomProbabilities(K, N, 17);
        float[] refined = new DenseCrf(config).refine(probabilities, K, H, W, image);

        double[] logP = new double[N * K];
        double[] q = new double[N * K];
        for (int i = 0; i < N; i++) {
            for (int l = 0; l < K; l++) {
                q[i * K + l] = probabilities[l * N + i];
                logP[i * K + l] = Math.log(q[i * K + l]);
            }
        }
        float[] appearance = CrfFeatures.appearance(image, thetaAlpha, thetaBeta);
        float[] smoothness = CrfFeatures.smoothness(H, W, thetaGamma);
        double[] expected = planar(BruteForce.meanFieldStep(logP, q, K, appearance, 5, 4, smoothness, 2, 3, true));
        double[] withSelf = planar(BruteForce.meanFieldStep(logP, q, K, appearance, 5, 4, smoothness, 2, 3, false));
        double error = TestScenes.relativeL2(refined, expected);
        double selfIncluded = TestScenes.relativeL2(withSelf, expected);
        double unchanged = TestScenes.relativeL2(probabilities, expected);
        System.out.printf(Locale.ROOT, "one step (%s): relative L2 error %.4f, max abs %.4f; self included %.4f; no step %.4f%n",
                config, error, maxAbs(refined, expected), selfIncluded, unchanged);
        assertTrue(error < tolerance, "relative L2 error " + error + " >= " + tolerance);
        assertTrue(selfIncluded > tolerance, "including the self-contribution also passes: " + selfIncluded);
        assertTrue(unchanged > tolerance, "the probabilities without a step also pass: " + unchanged);
    }

    private static double[] planar(double[] pixelMajor) {
        double[] out = new double[pixelMajor.length];
        for (int i = 0; i < N; i++) {
            for (int l = 0; l < K; l++) {
                out[l * N + i] = pixelMajor[i * K + l];
            }
        }
        return out;
    }

    private static double maxAbs(float[] a, double[] b) {
        double max = 0;
        for (int i = 0; i < b.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** The red image, and its red channel alone as a grey image (the appearance kernel is then 3-D). */
    @ParameterizedTest(name = "{0} channel(s)")
    @CsvSource({"3, 0", "1, 0"})
    void aNoisyMapOfTwoFlatRegionsIsCleaned(int channels, int expectedWrongAfter) {
        int height = 40;
        int width = 60;
        int pixels = height * width;
        CrfImage rgb = TestScenes.twoRegions(height, width, 6, 21);
        CrfImage image = channels == 3 ? rgb : CrfImage.interleaved(redChannel(rgb), height, width, 1);
        Random random = new Random(23);
        float[] probabilities = new float[2 * pixels];
        int[] truth = new int[pixels];
        for (int p = 0; p < pixels; p++) {
            truth[p] = TestScenes.inLeftRegion(p / width, p % width, height, width) ? 0 : 1;
            // the right class with probability 0.55..0.8, except that 30% of the pixels are flipped
            float right = 0.55f + 0.25f * random.nextFloat();
            float pTruth = random.nextFloat() < 0.3f ? 1 - right : right;
            probabilities[truth[p] * pixels + p] = pTruth;
            probabilities[(1 - truth[p]) * pixels + p] = 1 - pTruth;
        }
        int[] before = DenseCrf.argMax(probabilities, 2, height, width);
        int[] after = new DenseCrf(CrfConfig.DEFAULT).refineLabels(probabilities, 2, height, width, image);
        int wrongBefore = wrong(before, truth);
        int wrongAfter = wrong(after, truth);
        System.out.printf(Locale.ROOT, "two regions, %d channel(s), %d pixels: %d wrong before the CRF, %d after%n", channels,
                pixels, wrongBefore, wrongAfter);
        assertEquals(743, wrongBefore);
        assertEquals(expectedWrongAfter, wrongAfter);
    }

    private static byte[] redChannel(CrfImage rgb) {
        byte[] red = new byte[rgb.height() * rgb.width()];
        for (int p = 0; p < red.length; p++) {
            red[p] = rgb.pixels()[p * 3];
        }
        return red;
    }

    private static int wrong(int[] labels, int[] truth) {
        int wrong = 0;
        for (int p = 0; p < truth.length; p++) {
            if (labels[p] != truth[p]) {
                wrong++;
            }
        }
        return wrong;
    }

    @Test
    void refinedProbabilitiesSumToOnePerPixelAndDoNotDependOnTheImageLayout() {
        CrfImage interleaved = TestScenes.twoRegions(H, W, 8, 5);
        byte[] planar = new byte[interleaved.pixels().length];
        for (int p = 0; p < N; p++) {
            for (int c = 0; c < 3; c++) {
                planar[c * N + p] = interleaved.pixels()[p * 3 + c];
            }
        }
        float[] probabilities = TestScenes.randomProbabilities(K, N, 4);
        DenseCrf crf = new DenseCrf(CrfConfig.DEFAULT);
        float[] a = crf.refine(probabilities, K, H, W, interleaved);
        float[] b = crf.refine(probabilities, K, H, W, CrfImage.planar(planar, H, W, 3));
        assertArrayEquals(a, b, 0f);
        for (int p = 0; p < N; p++) {
            double sum = 0;
            for (int l = 0; l < K; l++) {
                sum += a[l * N + p];
            }
            assertEquals(1, sum, 1e-5, "pixel " + p);
        }
    }

    @Test
    void anImageOfAnotherSizeThanTheProbabilitiesIsRejectedNamingBoth() {
        DenseCrf crf = new DenseCrf(CrfConfig.DEFAULT);
        CrfImage image = TestScenes.twoRegions(24, 20, 8, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> crf.refine(new float[K * N], K, H, W, image));
        assertEquals("the image is 24x20 but the probability map is 12x10 (height x width); resize the probabilities "
                + "to the image before the CRF", e.getMessage());
    }

    @Test
    void probabilityMapsOfTheWrongLengthOrWithValuesOutsideZeroOneAreRejected() {
        DenseCrf crf = new DenseCrf(CrfConfig.DEFAULT);
        CrfImage image = TestScenes.twoRegions(H, W, 8, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> crf.refine(new float[2 * N], K, H, W, image));
        assertEquals("probabilities hold 240 values, expected classes x height x width = 3 x 12 x 10", e.getMessage());
        float[] probabilities = TestScenes.randomProbabilities(K, N, 4);
        probabilities[N + 2 * W + 7] = Float.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> crf.refine(probabilities, K, H, W, image));
        assertEquals("probability of class 1 at row 2, column 7 must be in [0, 1], found NaN", e.getMessage());
    }

    @Test
    void imageSizesAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CrfImage.interleaved(new byte[100], 12, 10, 3));
        assertEquals("image pixels hold 100 samples, expected height x width x channels = 12 x 10 x 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CrfImage.planar(new byte[240], 12, 10, 2));
        assertEquals("image channels must be 1 (grey) or 3 (RGB), found 2", e.getMessage());
    }
}
