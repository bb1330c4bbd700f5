/**
 * Evaluation of a segmentation model on a prepared dataset: the mergeable pixel
 * {@link io.segpipe.jobs.eval.ConfusionMatrix} (filled per partition, combined with
 * {@code treeAggregate}), the {@link io.segpipe.jobs.eval.SegmentationMetrics} computed from it,
 * the inference modes (whole image, sliding window, multi-scale and flip averaging), the
 * distributed evaluation job and its JSON + HTML report.
 */
package io.segpipe.jobs.eval;
