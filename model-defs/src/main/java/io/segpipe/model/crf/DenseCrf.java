package io.segpipe.model.crf;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Refines a network's class probabilities with the fully connected CRF of Krähenbühl &amp; Koltun,
 * "Efficient Inference in Fully Connected CRFs with Gaussian Edge Potentials" (NIPS 2011), the way
 * DeepLab post-processes its output (Chen et al., ICLR 2015 and TPAMI 2017): labels snap to colour
 * edges the network's coarse output blurs, and small isolated mistakes disappear.
 *
 * <p>The unary potential is {@code -log P} of the network's softmax probabilities; the pairwise
 * potential is Potts times two Gaussian kernels, appearance and smoothness ({@link CrfConfig}).
 * Mean-field inference starts from {@code Q = P} and repeats, {@code iterations} times,
 * <pre>    Q_i(l) ∝ exp(log P_i(l) - Σ_{l'} [l ≠ l'] Σ_m w_m Q̃^m_i(l'))</pre>
 * where {@code Q̃^m_i} is kernel m's normalised message to pixel i from every other pixel
 * ({@link GaussianMessages}), computed for all pixels at once by permutohedral-lattice filtering
 * ({@link PermutohedralLattice}) in time linear in the number of pixels.
 *
 * <p>Immutable; one instance may refine images on several threads at once. Each call works on one
 * thread; memory is a few arrays of {@code K · H · W} floats plus the two lattices (at most
 * {@code 6 · H · W} points for an RGB image, usually far fewer).
 */
public final class DenseCrf implements Serializable {
    /**
     * Probabilities are clamped to at least this before the logarithm: a network's 0 would make the
     * unary infinite and no image evidence could ever move that pixel off its label. At 1e-5 the
     * unary is at most 11.5 nats, so only where the network is less sure than that can the pairwise
     * terms (worth at most {@code w1 + w2} nats) change the label.
     */
    static final float PROBABILITY_FLOOR = 1e-5f;

    /** Slack above 1 allowed in an input probability (float softmax sums are not exact). */
    private static final float PROBABILITY_SLACK = 1e-3f;

    private final CrfConfig config;

    public DenseCrf(CrfConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public CrfConfig config() {
        return config;
    }

    /**
     * The CRF's marginals.
     *
     * @param probabilities the network's softmax output, {@code classes x height x width} planar
     *                      ({@code [(l · height + y) · width + x]}), each in [0, 1]
     * @param image         the image the probabilities are for, the same height and width
     * @return the refined probabilities, same layout (a new array); each pixel's sum to 1
     * @throws IllegalArgumentException when the sizes disagree or a probability is not in [0, 1]
     */
    public float[] refine(float[] probabilities, int classes, int height, int width, CrfImage image) {
        requireSizes(probabilities, classes, height, width, image);
        int pixels = height * width;
        float[] logP = logProbabilities(probabilities, classes, width, pixels);
        float[] q = logP.clone();
        softmax(q, classes);
        List<GaussianMessages> kernels = kernels(image);
        for (int iteration = 0; iteration < config.iterations(); iteration++) {
            // Potts: Σ_{l' ≠ l} w Q̃(l') = w (Σ_{l'} Q̃(l') - Q̃(l)); the first term is the same for
            // every label and cancels in the normalisation, which leaves + w Q̃(l)
            float[] energy = logP.clone();
            for (GaussianMessages kernel : kernels) {
                kernel.addTo(energy, q, classes);
            }
            softmax(energy, classes);
            q = energy;
        }
        return planar(q, classes, pixels);
    }

    /**
     * The CRF's labels: the arg-max of {@link #refine}.
     *
     * @return {@code height x width} class ids, row-major
     */
    public int[] refineLabels(float[] probabilities, int classes, int height, int width, CrfImage image) {
        return argMax(refine(probabilities, classes, height, width, image), classes, height, width);
    }

    /**
     * The most probable class of every pixel (the lowest class id on ties).
     *
     * @param probabilities {@code classes x height x width} planar
     * @return {@code height x width} class ids, row-major
     */
    public static int[] argMax(float[] probabilities, int classes, int height, int width) {
        int pixels = height * width;
        if (probabilities.length != (long) classes * pixels) {
            throw new IllegalArgumentException("probabilities hold " + probabilities.length + " values, expected classes x "
                    + "height x width = " + classes + " x " + height + " x " + width);
        }
        int[] labels = new int[pixels];
        for (int p = 0; p < pixels; p++) {
            float best = probabilities[p];
            for (int l = 1; l < classes; l++) {
                if (probabilities[l * pixels + p] > best) {
                    best = probabilities[l * pixels + p];
                    labels[p] = l;
                }
            }
        }
        return labels;
    }

    /** The kernels whose weight is not 0. */
    private List<GaussianMessages> kernels(CrfImage image) {
        int height = image.height();
        int width = image.width();
        List<GaussianMessages> kernels = new ArrayList<>(2);
        if (config.w1() > 0) {
            kernels.add(new GaussianMessages(CrfFeatures.appearance(image, config.thetaAlpha(), config.thetaBeta()),
                    height * width, 2 + image.channels(), config.w1()));
        }
        if (config.w2() > 0) {
            kernels.add(new GaussianMessages(CrfFeatures.smoothness(height, width, config.thetaGamma()),
                    height * width, 2, config.w2()));
        }
        return kernels;
    }

    private static void requireSizes(float[] probabilities, int classes, int height, int width, CrfImage image) {
        Objects.requireNonNull(probabilities, "probabilities");
        Objects.requireNonNull(image, "image");
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, found " + classes);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("height and width must be >= 1, found " + height + "x" + width);
        }
        if (image.height() != height || image.width() != width) {
            throw new IllegalArgumentException("the image is " + image.height() + "x" + image.width()
                    + " but the probability map is " + height + "x" + width
                    + " (height x width); resize the probabilities to the image before the CRF");
        }
        if (probabilities.length != (long) classes * height * width) {
            throw new IllegalArgumentException("probabilities hold " + probabilities.length + " values, expected classes x "
                    + "height x width = " + classes + " x " + height + " x " + width);
        }
    }

    /** {@code log max(P, floor)}, transposed to pixel after pixel ({@code [i · classes + l]}). */
    private static float[] logProbabilities(float[] probabilities, int classes, int width, int pixels) {
        float[] logP = new float[probabilities.length];
        for (int l = 0; l < classes; l++) {
            for (int p = 0; p < pixels; p++) {
                float v = probabilities[l * pixels + p];
                if (!(v >= 0 && v <= 1 + PROBABILITY_SLACK)) {
                    throw new IllegalArgumentException("probability of class " + l + " at row " + p / width + ", column "
                            + p % width + " must be in [0, 1], found " + v);
                }
                logP[p * classes + l] = (float) Math.log(Math.max(v, PROBABILITY_FLOOR));
            }
        }
        return logP;
    }

    /** Replaces each pixel's K energies by their softmax, in place. */
    private static void softmax(float[] energy, int classes) {
        for (int o = 0; o < energy.length; o += classes) {
            float max = energy[o];
            for (int l = 1; l < classes; l++) {
                max = Math.max(max, energy[o + l]);
            }
            float sum = 0;
            for (int l = 0; l < classes; l++) {
                float e = (float) Math.exp(energy[o + l] - max);
                energy[o + l] = e;
                sum += e;
            }
            float inverse = 1 / sum;
            for (int l = 0; l < classes; l++) {
                energy[o + l] *= inverse;
            }
        }
    }

    /** Pixel after pixel back to class planes. */
    private static float[] planar(float[] q, int classes, int pixels) {
        float[] out = new float[q.length];
        for (int p = 0; p < pixels; p++) {
            for (int l = 0; l < classes; l++) {
                out[l * pixels + p] = q[p * classes + l];
            }
        }
        return out;
    }
}
