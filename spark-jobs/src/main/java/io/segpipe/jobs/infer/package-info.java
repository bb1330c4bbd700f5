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
 * <p><b>Dense CRF.</b> With {@code inference.crf} set ({@link io.segpipe.jobs.infer.InferenceConfig#crf()}),
 * the last step of inference refines each image's probabilities with the fully connected CRF of
 * Krähenbühl &amp; Koltun, "Efficient Inference in Fully Connected CRFs with Gaussian Edge
 * Potentials" (NIPS 2011), as DeepLab v1/v2 do ({@link io.segpipe.jobs.infer.CrfRefinement}, over
 * {@link io.segpipe.model.crf.DenseCrf}), and takes labels and confidences from the refined
 * distribution. It runs at the image's stored size, after every inference mode has resized its
 * probabilities back, against the image's decoded 8-bit colours, which the decoders of evaluation
 * and scoring keep beside the normalised tensor only while the CRF is on
 * ({@link io.segpipe.prep.reader.TensorSample#pixels()}). The partition loop times the network and
 * the CRF apart, so reports can set the CRF's cost per image against the network's. Validation
 * during training builds its own inference mode and never uses the CRF.
 *
 * <p>Evaluation and scoring open their model the same way ({@link io.segpipe.jobs.infer.JobModel}):
 * a directory or a registry's model, applied with the normalisation, input scale and inference
 * mode its training recorded unless configured otherwise ({@link io.segpipe.jobs.infer.InputSettings}).
 */
package io.segpipe.jobs.infer;
