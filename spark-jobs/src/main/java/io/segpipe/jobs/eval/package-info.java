/**
 * Evaluation of a segmentation model on a prepared dataset: the mergeable pixel
 * {@link io.segpipe.jobs.eval.ConfusionMatrix} (filled per partition, combined with
 * {@code treeAggregate}), the {@link io.segpipe.jobs.eval.SegmentationMetrics} computed from it,
 * the distributed evaluation job and its JSON + HTML report. Applying the model is
 * {@link io.segpipe.jobs.infer}'s.
 */
package io.segpipe.jobs.eval;
