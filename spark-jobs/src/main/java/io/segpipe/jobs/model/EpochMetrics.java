package io.segpipe.jobs.model;

import java.util.List;

/**
 * What one training epoch measured. Validation fields are null for epochs without validation.
 *
 * @param epoch             1-based epoch number
 * @param loss              mean training loss over the epoch's minibatches (NaN when the training
 *                          master cannot report it)
 * @param learningRate      learning rate used in the epoch
 * @param images            training images processed in the epoch
 * @param seconds           wall time of the epoch's training (validation excluded)
 * @param imagesPerSecond   {@code images / seconds}
 * @param skippedRows       corrupt rows skipped in the epoch (counted, logged with their id)
 * @param valMeanIoU        mean IoU over the classes present in validation, or null
 * @param valPixelAccuracy  pixel accuracy on validation (ignore label excluded), or null
 * @param valIoU            IoU per class (NaN for a class absent from both labels and predictions), or null
 * @param validationSeconds wall time of the validation, 0 when none ran
 */
public record EpochMetrics(int epoch, double loss, double learningRate, long images, double seconds,
                           double imagesPerSecond, long skippedRows, Double valMeanIoU, Double valPixelAccuracy,
                           List<Double> valIoU, double validationSeconds) {

    public EpochMetrics {
        valIoU = valIoU == null ? null : List.copyOf(valIoU);
    }

    /** True when validation ran after this epoch. */
    public boolean validated() {
        return valMeanIoU != null;
    }
}
