package io.segpipe.model.loss;

import java.util.Arrays;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Per-pixel softmax cross-entropy with class weights and an ignore label, the loss of FCN (Long,
 * Shelhamer, Darrell, CVPR 2015), SegNet (Badrinarayanan et al., TPAMI 2017, with median-frequency
 * class weights) and DeepLab (Chen et al., 2017, ignoring the void label).
 *
 * <p>Pixel p with label distribution y and softmax output q costs {@code −Σ_k w_k y_pk log q_pk}.
 * Ignored pixels (all-zero label rows, or mask 0; see the package documentation) cost nothing and get
 * an exactly zero gradient. The loss is <b>normalised by the number of non-ignored pixels</b> M, not
 * by the sum of their class weights (PyTorch's choice): class weights then change both the relative
 * importance of classes and the overall scale. Reported as {@code R/M × Σ_p cost_p} (R rows), see
 * the package documentation for why. A per-pixel mask value m_p > 0 multiplies pixel p's cost (per-pixel
 * weights, as {@link BorderWeightMap} sets them for U-Net's border weights); M still counts pixels.
 *
 * <p>Use with the softmax activation on the {@code CnnLossLayer}; the gradient uses the fused
 * softmax form {@code q·Σ_k w_k y_k − w·y}, computed from a stable log-softmax.
 */
public final class WeightedCrossEntropyLoss extends PixelLoss {
    private final double[] classWeights;

    /** Unweighted: every class weighs 1. */
    public WeightedCrossEntropyLoss() {
        this(null);
    }

    /**
     * @param classWeights one weight >= 0 per class, or null for all 1 (for example SegNet's
     *     median-frequency balancing)
     */
    @JsonCreator
    public WeightedCrossEntropyLoss(@JsonProperty("classWeights") double[] classWeights) {
        this.classWeights = validWeights(classWeights);
    }

    /** Copy of the class weights, or null if unweighted. */
    public double[] getClassWeights() {
        return classWeights == null ? null : classWeights.clone();
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
            boolean average) {
        return PixelWeights.score(computeScoreArray(labels, preOutput, activationFn, mask), average);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray pixelWeights = checkedPixelWeights(labels, preOutput, activationFn, mask);
        INDArray cost = weighted(labels).muli(logSoftmax(preOutput)).sum(true, 1).negi();
        return cost.muli(pixelWeights).muli(PixelWeights.meanToRows(pixelWeights));
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray pixelWeights = checkedPixelWeights(labels, preOutput, activationFn, mask);
        INDArray weightedLabels = weighted(labels);
        INDArray softmax = Transforms.exp(logSoftmax(preOutput), false);
        INDArray gradient = softmax.muliColumnVector(weightedLabels.sum(true, 1)).subi(weightedLabels);
        return gradient.muliColumnVector(pixelWeights.muli(PixelWeights.meanToRows(pixelWeights)));
    }

    private INDArray checkedPixelWeights(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        if (!(activationFn instanceof ActivationSoftmax)) {
            throw new IllegalArgumentException("WeightedCrossEntropyLoss needs the softmax activation on its layer, found "
                    + PixelWeights.describe(activationFn));
        }
        if (classWeights != null && classWeights.length != labels.size(1)) {
            throw new IllegalArgumentException("classWeights has " + classWeights.length + " entries but the labels have "
                    + labels.size(1) + " classes");
        }
        return PixelWeights.of(labels, preOutput, mask, "WeightedCrossEntropyLoss");
    }

    /** {@code w_k · y_pk} as a new array. */
    private INDArray weighted(INDArray labels) {
        if (classWeights == null) {
            return labels.dup();
        }
        return labels.mulRowVector(Nd4j.createFromArray(classWeights).castTo(labels.dataType()).reshape(1, classWeights.length));
    }

    /** {@code z − logsumexp(z)} per row, shifted by the row maximum so exp cannot overflow. */
    private static INDArray logSoftmax(INDArray preOutput) {
        INDArray shifted = preOutput.subColumnVector(preOutput.max(true, 1));
        INDArray logSum = Transforms.log(Transforms.exp(shifted, true).sum(true, 1), false);
        return shifted.subiColumnVector(logSum);
    }

    static double[] validWeights(double[] classWeights) {
        if (classWeights == null) {
            return null;
        }
        if (classWeights.length == 0) {
            throw new IllegalArgumentException("classWeights must have one entry per class, found none");
        }
        for (int k = 0; k < classWeights.length; k++) {
            if (!(classWeights[k] >= 0) || Double.isInfinite(classWeights[k])) {
                throw new IllegalArgumentException("classWeights[" + k + "] must be finite and >= 0, found " + classWeights[k]);
            }
        }
        return classWeights.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightedCrossEntropyLoss other && Arrays.equals(other.classWeights, classWeights);
    }

    @Override
    public int hashCode() {
        return 31 * WeightedCrossEntropyLoss.class.hashCode() + Arrays.hashCode(classWeights);
    }

    @Override
    public String toString() {
        return "WeightedCrossEntropyLoss(classWeights=" + Arrays.toString(classWeights) + ")";
    }
}
