package io.segpipe.model.loss;

import java.util.Arrays;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Which pixels count, shared by the losses: labels and pre-outputs are the {@code [R, K]} rows
 * CnnLossLayer passes (one row per pixel), the optional mask is per pixel, {@code [R, 1]}.
 */
final class PixelWeights {
    private PixelWeights() {
    }

    /** {@code [R, 1]}: {@code mask_p · Σ_k labels_pk}; zero for ignored (all-zero label) and masked pixels. */
    static INDArray of(INDArray labels, INDArray preOutput, INDArray mask, String loss) {
        if (labels.rank() != 2 || !labels.equalShapes(preOutput)) {
            throw new IllegalArgumentException(loss + ": labels and pre-output must both be [pixels, classes], found "
                    + Arrays.toString(labels.shape()) + " and " + Arrays.toString(preOutput.shape()));
        }
        INDArray weights = labels.sum(true, 1);
        if (mask != null) {
            if (mask.rank() != 2 || mask.size(0) != labels.size(0) || mask.size(1) != 1) {
                throw new IllegalArgumentException(loss + " takes a per-pixel mask [N, 1, H, W] (rows [" + labels.size(0)
                        + ", 1]), found rows " + Arrays.toString(mask.shape()));
            }
            weights.muli(mask.castTo(weights.dataType()));
        }
        return weights;
    }

    /**
     * {@code R / M}, M the number of counted pixels (weight > 0): turns a (weighted) sum over counted
     * pixels into R × their (weighted) mean; 0 if none counts. Normalising by the count, not by the
     * sum of the weights, lets per-pixel weights (U-Net's border weights, {@link BorderWeightMap})
     * raise the loss where they are large instead of rescaling the whole minibatch.
     */
    static double meanToRows(INDArray weights) {
        double counted = weights.gt(0).castTo(weights.dataType()).sumNumber().doubleValue();
        return counted > 0 ? weights.size(0) / counted : 0;
    }

    /** {@code [R, 1]}: 1 for a counted pixel ({@link #of} > 0), 0 otherwise. */
    static INDArray counted(INDArray labels, INDArray preOutput, INDArray mask, String loss) {
        INDArray weights = of(labels, preOutput, mask, loss);
        return weights.gt(0).castTo(weights.dataType());
    }

    static double score(INDArray scoreArray, boolean average) {
        double sum = scoreArray.sumNumber().doubleValue();
        return average ? sum / scoreArray.size(0) : sum;
    }

    static String describe(IActivation activation) {
        return activation == null ? "none" : activation.toString();
    }
}
