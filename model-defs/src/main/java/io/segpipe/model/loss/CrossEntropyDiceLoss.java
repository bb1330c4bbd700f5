package io.segpipe.model.loss;

import java.util.Arrays;
import java.util.Objects;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * {@code crossEntropyWeight · }{@link WeightedCrossEntropyLoss}{@code  + diceWeight · }{@link SoftDiceLoss},
 * the combination common in segmentation practice (for example Isensee et al., nnU-Net, Nature
 * Methods 2021, with weights 1 and 1): cross-entropy gives smooth per-pixel gradients, Dice counters
 * class imbalance. Both terms are on the same scale (R × a mean per pixel, see the package
 * documentation), ignore the same pixels, and need the softmax activation.
 */
public final class CrossEntropyDiceLoss extends PixelLoss {
    private final double[] classWeights;
    private final double crossEntropyWeight;
    private final double diceWeight;
    private final WeightedCrossEntropyLoss crossEntropy;
    private final SoftDiceLoss dice = new SoftDiceLoss();

    /**
     * @param classWeights class weights of the cross-entropy term, or null for all 1
     * @param crossEntropyWeight >= 0
     * @param diceWeight >= 0; not both weights 0
     */
    @JsonCreator
    public CrossEntropyDiceLoss(@JsonProperty("classWeights") double[] classWeights,
            @JsonProperty("crossEntropyWeight") double crossEntropyWeight, @JsonProperty("diceWeight") double diceWeight) {
        if (!(crossEntropyWeight >= 0) || Double.isInfinite(crossEntropyWeight)) {
            throw new IllegalArgumentException("crossEntropyWeight must be finite and >= 0, found " + crossEntropyWeight);
        }
        if (!(diceWeight >= 0) || Double.isInfinite(diceWeight)) {
            throw new IllegalArgumentException("diceWeight must be finite and >= 0, found " + diceWeight);
        }
        if (crossEntropyWeight + diceWeight == 0) {
            throw new IllegalArgumentException("crossEntropyWeight and diceWeight must not both be 0");
        }
        this.classWeights = WeightedCrossEntropyLoss.validWeights(classWeights);
        this.crossEntropyWeight = crossEntropyWeight;
        this.diceWeight = diceWeight;
        this.crossEntropy = new WeightedCrossEntropyLoss(classWeights);
    }

    public double[] getClassWeights() {
        return classWeights == null ? null : classWeights.clone();
    }

    public double getCrossEntropyWeight() {
        return crossEntropyWeight;
    }

    public double getDiceWeight() {
        return diceWeight;
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
            boolean average) {
        return PixelWeights.score(computeScoreArray(labels, preOutput, activationFn, mask), average);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return crossEntropy.computeScoreArray(labels, preOutput, activationFn, mask).muli(crossEntropyWeight)
                .addi(dice.computeScoreArray(labels, preOutput, activationFn, mask).muli(diceWeight));
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return crossEntropy.computeGradient(labels, preOutput, activationFn, mask).muli(crossEntropyWeight)
                .addi(dice.computeGradient(labels, preOutput, activationFn, mask).muli(diceWeight));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CrossEntropyDiceLoss other && Arrays.equals(other.classWeights, classWeights)
                && other.crossEntropyWeight == crossEntropyWeight && other.diceWeight == diceWeight;
    }

    @Override
    public int hashCode() {
        return Objects.hash(CrossEntropyDiceLoss.class, Arrays.hashCode(classWeights), crossEntropyWeight, diceWeight);
    }

    @Override
    public String toString() {
        return "CrossEntropyDiceLoss(crossEntropyWeight=" + crossEntropyWeight + ", diceWeight=" + diceWeight
                + ", classWeights=" + Arrays.toString(classWeights) + ")";
    }
}
