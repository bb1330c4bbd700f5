package io.segpipe.model.crf;

/**
 * The O(N²) definitions the lattice and the CRF approximate, written as plainly as possible (in
 * double precision) to test against.
 */
final class BruteForce {
    private BruteForce() {
    }

    /** {@code exp(-|f_i - f_j|² / 2)}, features point after point. */
    static double kernel(float[] features, int d, int i, int j) {
        double squared = 0;
        for (int k = 0; k < d; k++) {
            double diff = features[i * d + k] - features[j * d + k];
            squared += diff * diff;
        }
        return Math.exp(-squared / 2);
    }

    /** {@code Σ_j k(f_i, f_j) v_j} (self included), values point after point. */
    static double[] filter(float[] features, int d, float[] values, int channels) {
        int n = features.length / d;
        double[] out = new double[n * channels];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double k = kernel(features, d, i, j);
                for (int c = 0; c < channels; c++) {
                    out[i * channels + c] += k * values[j * channels + c];
                }
            }
        }
        return out;
    }

    /** {@code Σ_j k(f_i, f_j) v_j / Σ_j k(f_i, f_j)}: the filter normalised by its total weight. */
    static double[] normalisedFilter(float[] features, int d, float[] values, int channels) {
        int n = features.length / d;
        double[] sum = filter(features, d, values, channels);
        double[] weight = filter(features, d, ones(n), 1);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                sum[i * channels + c] /= weight[i];
            }
        }
        return sum;
    }

    static float[] ones(int n) {
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        return ones;
    }

    /**
     * One mean-field update of the fully connected CRF (Krähenbühl &amp; Koltun 2011, Algorithm 1)
     * with the exact Gaussian kernels, normalised by their total weight, the self-contribution left
     * out, and the Potts compatibility written out as the K x K matrix {@code μ(l, l') = [l ≠ l']}.
     *
     * @param logP      unary as {@code log P}, pixel-major {@code [i · K + l]}
     * @param q         current marginals, pixel-major
     * @param leaveSelf false to include each pixel's own marginal in its messages (not the paper's update)
     * @return the updated marginals, pixel-major
     */
    static double[] meanFieldStep(double[] logP, double[] q, int classes, float[] appearance, int dA, double w1,
                                  float[] smoothness, int dS, double w2, boolean leaveSelf) {
        int n = q.length / classes;
        double[] message1 = messages(appearance, dA, q, classes, leaveSelf);
        double[] message2 = messages(smoothness, dS, q, classes, leaveSelf);
        double[] next = new double[q.length];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int l = 0; l < classes; l++) {
                double pairwise = 0;
                for (int other = 0; other < classes; other++) {
                    double compatibility = l == other ? 0 : 1;
                    pairwise += compatibility * (w1 * message1[i * classes + other] + w2 * message2[i * classes + other]);
                }
                next[i * classes + l] = logP[i * classes + l] - pairwise;
                max = Math.max(max, next[i * classes + l]);
            }
            double total = 0;
            for (int l = 0; l < classes; l++) {
                next[i * classes + l] = Math.exp(next[i * classes + l] - max);
                total += next[i * classes + l];
            }
            for (int l = 0; l < classes; l++) {
                next[i * classes + l] /= total;
            }
        }
        return next;
    }

    /** {@code Σ_{j ≠ i} k_ij q_j / Σ_j k_ij} ({@code j = i} included unless {@code leaveSelf}). */
    private static double[] messages(float[] features, int d, double[] q, int classes, boolean leaveSelf) {
        int n = features.length / d;
        double[] out = new double[q.length];
        for (int i = 0; i < n; i++) {
            double weight = 0;
            for (int j = 0; j < n; j++) {
                double k = kernel(features, d, i, j);
                weight += k;
                if (j != i || !leaveSelf) {
                    for (int l = 0; l < classes; l++) {
                        out[i * classes + l] += k * q[j * classes + l];
                    }
                }
            }
            for (int l = 0; l < classes; l++) {
                out[i * classes + l] /= weight;
            }
        }
        return out;
    }
}
