package io.segpipe.model.crf;

import java.util.Arrays;

/**
 * One Gaussian kernel of the CRF's pairwise potential, passing mean-field messages through a
 * {@link PermutohedralLattice}: for marginals Q (K per pixel) it adds to each pixel's energy
 * <pre>    w · Σ_{j ≠ i} k(f_i, f_j) Q_j / Σ_j k(f_i, f_j)</pre>
 * The sum leaves the pixel's own marginal out, as the mean-field update of Krähenbühl &amp; Koltun
 * (NIPS 2011, section 3) does; with the lattice's kernel that means subtracting the lattice's own
 * weight of a pixel on itself ({@link PermutohedralLattice#selfWeight}), not the Gaussian's 1, so
 * the message stays exactly the off-diagonal part of what the lattice computes. The division by
 * the kernel's total weight at the pixel (the lattice's filtering of a constant field) is the
 * normalisation of their reference implementation: it cancels the lattice's scale factor and keeps
 * a message in [0, 1), so w is on the scale of the unary's log-probabilities whatever the image
 * size or the kernel's width.
 */
final class GaussianMessages {
    private final PermutohedralLattice lattice;
    private final float weight;
    /** Per pixel, 1 / (the kernel's total weight there). */
    private final float[] normaliser;

    GaussianMessages(float[] features, int pixels, int dimensions, double weight) {
        this.lattice = PermutohedralLattice.of(features, pixels, dimensions);
        this.weight = (float) weight;
        float[] total = new float[pixels];
        Arrays.fill(total, 1f);
        total = lattice.filter(total, 1);
        for (int i = 0; i < pixels; i++) {
            // never 0: the total includes the pixel's own weight, which is > 0
            total[i] = 1 / total[i];
        }
        this.normaliser = total;
    }

    /**
     * Adds this kernel's weighted messages to {@code energy}.
     *
     * @param q      marginals, pixel after pixel ({@code q[i · classes + l]})
     * @param energy same layout, added to
     */
    void addTo(float[] energy, float[] q, int classes) {
        float[] filtered = lattice.filter(q, classes);
        int pixels = lattice.points();
        for (int i = 0; i < pixels; i++) {
            float self = lattice.selfWeight(i);
            float scale = weight * normaliser[i];
            int o = i * classes;
            for (int l = 0; l < classes; l++) {
                energy[o + l] += scale * (filtered[o + l] - self * q[o + l]);
            }
        }
    }
}
