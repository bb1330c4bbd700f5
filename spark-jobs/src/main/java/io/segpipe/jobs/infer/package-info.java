/**
 * Applying a trained model to images, the part evaluation, scoring and validation during training
 * share: the model read on the driver ({@link io.segpipe.jobs.infer.LoadedModel}) and broadcast to
 * the executors ({@link io.segpipe.jobs.infer.ModelBroadcast}), the inference modes (whole image,
 * sliding window, multi-scale and flip averaging: {@link io.segpipe.jobs.infer.InferenceConfig},
 * {@link io.segpipe.jobs.infer.Predictor}), and the one loop a partition runs
 * ({@link io.segpipe.jobs.infer.PartitionInference}: batch same-size images, stack, predict, hand
 * each image its prediction), with the checks that input fits a model
 * ({@link io.segpipe.jobs.infer.InputChecks}). Each job keeps its own decoding and what it does
 * with a prediction.
 *
 * <p>Evaluation and scoring open their model the same way ({@link io.segpipe.jobs.infer.JobModel}):
 * a directory or a registry's model, applied with the normalisation, input scale and inference
 * mode its training recorded unless configured otherwise ({@link io.segpipe.jobs.infer.InputSettings}).
 */
package io.segpipe.jobs.infer;
