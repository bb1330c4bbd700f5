/**
 * Distributed training: {@link io.segpipe.jobs.train.TrainConfig} (every option, validated, JSON/HOCON
 * round trip) and {@link io.segpipe.jobs.train.TrainJob#run} returning a
 * {@link io.segpipe.jobs.train.TrainResult}. DL4J's {@code ParameterAveragingTrainingMaster}
 * trains a {@code SparkComputationGraph} on minibatches augmented on the
 * executors; validation uses the evaluation module's confusion matrix; checkpoints are atomic and
 * resumable; the result is a {@link io.segpipe.jobs.model.ModelDirectory}.
 *
 * <p>The job checks its inputs ({@code TrainJob}), then a short epoch loop ({@code TrainingRun})
 * asks small, separately tested pieces what to do: {@code BestModel}, {@code EarlyStopping} and
 * {@code TimeBudget} decide, {@code SparkEpochs} does an epoch's Spark work with the masters
 * {@code TrainingMasters} builds, {@code Checkpoints} stores what a resume needs (and skips a
 * damaged newest checkpoint on resume), {@code SkippedRows} counts corrupt rows per split against
 * {@code maxCorruptFraction}, and {@code ExecutorWatchdog} stops a run whose cluster lost every
 * executor. {@code LossListener} measures the loss per labelled pixel on the workers, and
 * {@code EpochProgress} reports an epoch while it runs.
 */
package io.segpipe.jobs.train;
