package io.segpipe.model.crf;

import java.util.Random;

/** Small seeded images and probability maps for the CRF tests. */
final class TestScenes {
    private TestScenes() {
    }

    /**
     * An RGB image (interleaved) of two regions, a reddish left part and a bluish right part whose
     * boundary is slanted, with a vertical brightness gradient and colour noise of standard
     * deviation {@code noise}: colours cluster as in a photograph, so the appearance kernel's lattice
     * is neither empty nor fully occupied.
     */
    static CrfImage twoRegions(int height, int width, double noise, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[height * width * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean left = inLeftRegion(y, x, height, width);
                int[] base = left ? new int[] {200, 40, 40} : new int[] {40, 40, 200};
                for (int c = 0; c < 3; c++) {
                    double v = base[c] + 30.0 * y / height + noise * random.nextGaussian();
                    pixels[(y * width + x) * 3 + c] = (byte) Math.max(0, Math.min(255, Math.round(v)));
                }
            }
        }
        return CrfImage.interleaved(pixels, height, width, 3);
    }

    /** The region of {@link #twoRegions}: its boundary runs from x = 0.4 w at the top to 0.6 w at the bottom. */
    static boolean inLeftRegion(int y, int x, int height, int width) {
        return x < width * (0.4 + 0.2 * y / height);
    }

    /** Uniform random values in [0, 1). */
    static float[] randomValues(int n, long seed) {
        Random random = new Random(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextFloat();
        }
        return values;
    }

    /** Softmax of random logits (standard deviation 1.5): a planar {@code classes x pixels} probability map. */
    static float[] randomProbabilities(int classes, int pixels, long seed) {
        Random random = new Random(seed);
        float[] p = new float[classes * pixels];
        for (int i = 0; i < pixels; i++) {
            double[] e = new double[classes];
            double sum = 0;
            for (int l = 0; l < classes; l++) {
                e[l] = Math.exp(1.5 * random.nextGaussian());
                sum += e[l];
            }
            for (int l = 0; l < classes; l++) {
                p[l * pixels + i] = (float) (e[l] / sum);
            }
        }
        return p;
    }

    /** Relative L2 error {@code |a - b| / |b|}. */
    static double relativeL2(float[] a, double[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < b.length; i++) {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            norm += b[i] * b[i];
        }
        return Math.sqrt(diff / norm);
    }

    /** Relative L2 error {@code |a - b| / |b|}. */
    static double relativeL2(double[] a, double[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < b.length; i++) {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            norm += b[i] * b[i];
        }
        return Math.sqrt(diff / norm);
    }
}
