package io.segpipe.model.crf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The lattice against brute-force O(N²) Gaussian filtering on a 12x10 image with 3 value channels.
 *
 * <p>The lattice's kernel is a piecewise-linear interpolation around a binomial blur, not the
 * Gaussian: the total weight it gives a pixel is a position-dependent fraction of the Gaussian's
 * (measured here: 0.77–0.92 in 2-D, 0.21–0.61 in 5-D), so raw outputs differ by 13–56% (relative L2).
 * Normalised by the filtering of a constant field, as the CRF uses it, what is left is the shape
 * error; its relative L2 error is measured below and the tolerance is fixed just above it. The
 * same comparison against a Gaussian 30% narrower or wider fails the tolerance, so the test tells
 * the right width from a wrong one.
 */
class PermutohedralLatticeTest {
    private static final int H = 12;
    private static final int W = 10;
    private static final int N = H * W;
    private static final int CHANNELS = 3;

    /** Measured: 0.0204 and 0.0100; a 0.7x / 1.3x wide Gaussian: 0.119 / 0.054 and 0.049 / 0.0174. */
    @ParameterizedTest(name = "smoothness kernel, thetaGamma = {0}")
    @CsvSource({"1, 0.03", "3, 0.015"})
    void smoothnessFilteringMatchesTheGaussianWithinTheLatticeError(double thetaGamma, double tolerance) {
        float[] features = CrfFeatures.smoothness(H, W, thetaGamma);
        assertNormalisedFilteringMatches(features, 2, tolerance, "smoothness thetaGamma=" + thetaGamma);
    }

    /**
     * Measured: 0.0151 where θβ = 20 exceeds the image's colour noise (8), so neighbouring colours
     * share lattice points; 0.0645 and 0.0681 where θβ = 5 or 10 is below it: most lattice points are
     * then isolated, and the blur cannot carry weight through the absent points between them, so the
     * kernel's tails are cut short. A 0.7x / 1.3x wide Gaussian: 0.059 / 0.026, 0.136 / 0.151, 0.125 / 0.125.
     */
    @ParameterizedTest(name = "appearance kernel, thetaAlpha = {0}, thetaBeta = {1}")
    @CsvSource({"5, 20, 0.02", "60, 5, 0.08", "3, 10, 0.08"})
    void appearanceFilteringMatchesTheGaussianWithinTheLatticeError(double thetaAlpha, double thetaBeta, double tolerance) {
        float[] features = CrfFeatures.appearance(TestScenes.twoRegions(H, W, 8, 5), thetaAlpha, thetaBeta);
        assertNormalisedFilteringMatches(features, 5, tolerance, "appearance thetaAlpha=" + thetaAlpha + " thetaBeta=" + thetaBeta);
    }

    private static void assertNormalisedFilteringMatches(float[] features, int d, double tolerance, String what) {
        PermutohedralLattice lattice = PermutohedralLattice.of(features, N, d);
        float[] values = TestScenes.randomValues(N * CHANNELS, 3);
        float[] filtered = lattice.filter(values, CHANNELS);
        float[] total = lattice.filter(BruteForce.ones(N), 1);
        float[] normalised = new float[filtered.length];
        for (int i = 0; i < filtered.length; i++) {
            normalised[i] = filtered[i] / total[i / CHANNELS];
        }
        double error = TestScenes.relativeL2(normalised, BruteForce.normalisedFilter(features, d, values, CHANNELS));
        double narrower = TestScenes.relativeL2(normalised, BruteForce.normalisedFilter(scaled(features, 1 / 0.7), d, values, CHANNELS));
        double wider = TestScenes.relativeL2(normalised, BruteForce.normalisedFilter(scaled(features, 1 / 1.3), d, values, CHANNELS));
        double[] raw = BruteForce.filter(features, d, values, CHANNELS);
        double[] gaussianTotal = BruteForce.filter(features, d, BruteForce.ones(N), 1);
        double minRatio = Double.MAX_VALUE;
        double maxRatio = 0;
        for (int i = 0; i < N; i++) {
            minRatio = Math.min(minRatio, total[i] / gaussianTotal[i]);
            maxRatio = Math.max(maxRatio, total[i] / gaussianTotal[i]);
        }
        System.out.printf(Locale.ROOT, "%s: %d lattice points, relative L2 error %.4f (normalised; raw %.3f, total weight "
                + "%.2f-%.2f of the Gaussian's); against a 0.7x / 1.3x wide Gaussian %.4f / %.4f%n", what,
                lattice.latticePoints(), error, TestScenes.relativeL2(filtered, raw), minRatio, maxRatio, narrower, wider);
        assertTrue(error < tolerance, what + ": relative L2 error " + error + " >= " + tolerance);
        assertTrue(narrower > tolerance && wider > tolerance,
                what + ": a Gaussian of the wrong width also passes (" + narrower + ", " + wider + ")");
    }

    private static float[] scaled(float[] features, double factor) {
        float[] out = new float[features.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (features[i] * factor);
        }
        return out;
    }

    @Test
    void selfWeightIsTheResponseOfEachPointToItsOwnImpulse() {
        float[] features = CrfFeatures.appearance(TestScenes.twoRegions(H, W, 8, 5), 3, 10);
        PermutohedralLattice lattice = PermutohedralLattice.of(features, N, 5);
        double min = 1;
        double max = 0;
        for (int i = 0; i < N; i++) {
            float[] impulse = new float[N];
            impulse[i] = 1;
            float response = lattice.filter(impulse, 1)[i];
            assertEquals(response, lattice.selfWeight(i), 1e-6, "point " + i);
            min = Math.min(min, response);
            max = Math.max(max, response);
        }
        // the lattice's self-weight is below the Gaussian's 1 and varies with the position in the simplex
        assertTrue(min > 0.2 && max <= 1 && max - min > 0.1, "self weights in [" + min + ", " + max + "]");
    }

    @Test
    void channelsAreFilteredIndependently() {
        float[] features = CrfFeatures.appearance(TestScenes.twoRegions(H, W, 8, 5), 5, 20);
        PermutohedralLattice lattice = PermutohedralLattice.of(features, N, 5);
        float[] values = TestScenes.randomValues(N * CHANNELS, 9);
        float[] together = lattice.filter(values, CHANNELS);
        for (int c = 0; c < CHANNELS; c++) {
            float[] one = new float[N];
            for (int i = 0; i < N; i++) {
                one[i] = values[i * CHANNELS + c];
            }
            float[] alone = lattice.filter(one, 1);
            for (int i = 0; i < N; i++) {
                assertEquals(alone[i], together[i * CHANNELS + c], 1e-6f, "channel " + c + " point " + i);
            }
        }
    }

    @Test
    void sizesAndFeaturesAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PermutohedralLattice.of(new float[10], 4, 2));
        assertEquals("features hold 10 values, expected points x dimensions = 4 x 2", e.getMessage());
        float[] features = {0, 0, 1, Float.NaN};
        e = assertThrows(IllegalArgumentException.class, () -> PermutohedralLattice.of(features, 2, 2));
        assertEquals("feature 1 of point 1 must be finite and within ±1.0E7, found NaN", e.getMessage());
        PermutohedralLattice lattice = PermutohedralLattice.of(new float[] {0, 0, 1, 1}, 2, 2);
        e = assertThrows(IllegalArgumentException.class, () -> lattice.filter(new float[5], 2));
        assertEquals("values hold 5 floats, expected points x channels = 2 x 2", e.getMessage());
    }
}
