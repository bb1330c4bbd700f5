package io.segpipe.jobs.model;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * What one training epoch measured. Validation fields are null for epochs without validation.
 *
 * @param epoch             1-based epoch number
 * @param loss              mean training loss over the epoch's minibatches, in {@code lossUnit} (NaN when the
 *                          training master cannot report it)
 * @param learningRate      learning rate used in the epoch
 * @param images            training images processed in the epoch
 * @param seconds           wall time of the epoch's training (validation excluded)
 * @param imagesPerSecond   {@code images / seconds}
 * @param skippedRows       corrupt rows skipped in the epoch (counted, logged with their id)
 * @param valMeanIoU        mean IoU over the classes present in validation, or null
 * @param valPixelAccuracy  pixel accuracy on validation (ignore label excluded), or null
 * @param valIoU            IoU per class (NaN for a class absent from both labels and predictions), or null
 * @param validationSeconds wall time of the validation, 0 when none ran
 * @param lossUnit          what {@code loss} is a mean of: {@link LossUnit#PER_PIXEL} for runs of this version;
 *                          metrics written before the unit was recorded have none and read as {@link LossUnit#PER_IMAGE}
 */
public record EpochMetrics(int epoch, double loss, double learningRate, long images, double seconds,
                           double imagesPerSecond, long skippedRows, Double valMeanIoU, Double valPixelAccuracy,
                           List<Double> valIoU, double validationSeconds, LossUnit lossUnit) {

    /** What an epoch's training loss is averaged over. */
    public enum LossUnit {
        /** The loss per labelled (not ignored) pixel, weight decay excluded: comparable across crop sizes. */
        PER_PIXEL("per pixel"),
        /** The network's score: the loss summed over the pixels of a training crop, plus the weight-decay penalty. */
        PER_IMAGE("per image");

        private final String label;

        LossUnit(String label) {
            this.label = label;
        }

        /** {@code per pixel} or {@code per image}, for lines and plots. */
        public String label() {
            return label;
        }
    }

    @JsonCreator
    public EpochMetrics {
        valIoU = valIoU == null ? null : List.copyOf(valIoU);
        lossUnit = lossUnit == null ? LossUnit.PER_IMAGE : lossUnit;
    }

    /** An epoch measured by this version: its loss is {@link LossUnit#PER_PIXEL}. */
    public EpochMetrics(int epoch, double loss, double learningRate, long images, double seconds,
                        double imagesPerSecond, long skippedRows, Double valMeanIoU, Double valPixelAccuracy,
                        List<Double> valIoU, double validationSeconds) {
        this(epoch, loss, learningRate, images, seconds, imagesPerSecond, skippedRows, valMeanIoU, valPixelAccuracy,
                valIoU, validationSeconds, LossUnit.PER_PIXEL);
    }

    /** True when validation ran after this epoch. */
    public boolean validated() {
        return valMeanIoU != null;
    }
}
