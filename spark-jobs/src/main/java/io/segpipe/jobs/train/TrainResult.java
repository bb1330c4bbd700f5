package io.segpipe.jobs.train;

import io.segpipe.jobs.model.EpochMetrics;
import io.segpipe.jobs.model.MetricsHistory;

/**
 * What a training run did.
 *
 * @param output          the model directory written
 * @param checkpoints     the checkpoint directory ("" when checkpoints were off)
 * @param epochs          epochs completed in total (including those before a resume)
 * @param epochsThisRun   epochs this call trained
 * @param stoppedEarly    true when early stopping or maxMinutes ended the run before {@code epochs} of the config
 * @param modelEpoch      epoch whose parameters the model directory holds (best by val mIoU, else the last)
 * @param modelValMeanIoU val mIoU of that epoch, or null without validation
 * @param last            metrics of the last epoch
 * @param history         metrics of every epoch
 * @param skippedRows     corrupt rows skipped during this call (each logged with its id)
 * @param seconds         wall time of this call
 * @param resumedFrom     the checkpoint resumed from, or null
 * @param workerMemory    peak resident memory of each JVM that trained (probed after training)
 */
public record TrainResult(String output, String checkpoints, int epochs, int epochsThisRun, boolean stoppedEarly,
                          int modelEpoch, Double modelValMeanIoU, EpochMetrics last, MetricsHistory history,
                          long skippedRows, double seconds, String resumedFrom,
                          java.util.List<WorkerMemory> workerMemory) {
}
