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

    /** {@code R / Σ weights}: turns a sum over counted pixels into R × their mean; 0 if none counts. */
    static double meanToRows(INDArray weights) {
        double counted = weights.sumNumber().doubleValue();
        return counted > 0 ? weights.size(0) / counted : 0;
    }

    static double score(INDArray scoreArray, boolean average) {
        double sum = scoreArray.sumNumber().doubleValue();
        return average ? sum / scoreArray.size(0) : sum;
    }

    static String describe(IActivation activation) {
        return activation == null ? "none" : activation.toString();
    }
}
