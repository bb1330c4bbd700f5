package io.segpipe.model.loss;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;

/**
 * Soft multi-class Dice loss over the classes present (Milletari, Navab, Ahmadi, "V-Net", 3DV 2016;
 * in the multi-class, linear-denominator form of Sudre et al., "Generalised Dice Overlap as a Deep
 * Learning Loss Function for Highly Unbalanced Segmentations", DLMIA 2017, with equal class weights).
 *
 * <p>Over the counted pixels of the whole minibatch (ignored and masked pixels excluded, see the
 * package documentation), with probabilities q from the layer's activation (softmax):
 * {@code D_k = 2 Σ_p q_pk y_pk / (Σ_p q_pk + Σ_p y_pk)} and {@code L = 1 − mean_{k present} D_k},
 * where class k is present if some counted pixel has it ({@code Σ_p y_pk > 0}). Absent classes are
 * left out rather than smoothed, so no epsilon biases the value; with no class present L = 0.
 *
 * <p>Dice is a minibatch statistic, not a sum over pixels: {@code computeScore} reports
 * {@code R × L} (R rows, the scale of the package documentation) and the score array spreads it
 * evenly over the counted pixels, zero on ignored ones.
 *
 * <p>A per-pixel mask above 0 only says that a pixel counts here: its size (U-Net's border weights,
 * {@link BorderWeightMap}) weighs the cross-entropy, not this set-overlap statistic.
 */
public final class SoftDiceLoss extends PixelLoss {

    @JsonCreator
    public SoftDiceLoss() {
        // nothing to configure
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
            boolean average) {
        return PixelWeights.score(computeScoreArray(labels, preOutput, activationFn, mask), average);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        Overlap overlap = Overlap.of(labels, preOutput, activationFn, mask);
        return overlap.pixelWeights.mul(PixelWeights.meanToRows(overlap.pixelWeights) * overlap.loss());
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        Overlap overlap = Overlap.of(labels, preOutput, activationFn, mask);
        if (overlap.presentClasses == 0) {
            return preOutput.ulike().assign(0);
        }
        // dL/dq_pk = −(R / |present|) · present_k · weight_p · (2 y_pk − D_k) / U_k
        INDArray dLdq = labels.mul(2).subiRowVector(overlap.dice).diviRowVector(overlap.union)
                .muliRowVector(overlap.present).muliColumnVector(overlap.pixelWeights)
                .muli(-(double) labels.size(0) / overlap.presentClasses);
        return activationFn.backprop(preOutput.dup(), dLdq).getFirst();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SoftDiceLoss;
    }

    @Override
    public int hashCode() {
        return SoftDiceLoss.class.hashCode();
    }

    @Override
    public String toString() {
        return "SoftDiceLoss()";
    }

    /**
     * Per-class sums of one minibatch, {@code [1, K]} rows: {@code present} is 0/1, {@code union} is
     * {@code Σq + Σy} (1 for absent classes, which are masked out anyway) and {@code dice} is D_k.
     */
    private record Overlap(INDArray pixelWeights, INDArray present, INDArray union, INDArray dice, int presentClasses) {

        static Overlap of(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
            INDArray pixelWeights = PixelWeights.counted(labels, preOutput, mask, "SoftDiceLoss");
            INDArray probabilities = activationFn.getActivation(preOutput.dup(), true).muliColumnVector(pixelWeights);
            INDArray countedLabels = labels.mulColumnVector(pixelWeights);
            INDArray intersection = probabilities.mul(labels).sum(true, 0);
            INDArray labelMass = countedLabels.sum(true, 0);
            INDArray present = labelMass.gt(0).castTo(labels.dataType());
            INDArray union = probabilities.sum(true, 0).addi(labelMass).addi(present.rsub(1));
            INDArray dice = intersection.muli(2).divi(union).muli(present);
            return new Overlap(pixelWeights, present, union, dice, present.sumNumber().intValue());
        }

        double loss() {
            return presentClasses == 0 ? 0 : 1 - dice.sumNumber().doubleValue() / presentClasses;
        }
    }
}
