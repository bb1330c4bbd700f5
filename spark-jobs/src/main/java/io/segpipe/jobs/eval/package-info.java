/**
 * Evaluation of a segmentation model on a prepared dataset: the mergeable pixel
 * {@link io.segpipe.jobs.eval.ConfusionMatrix} (filled per partition, combined with
 * {@code treeAggregate}), the {@link io.segpipe.jobs.eval.SegmentationMetrics} computed from it,
 * each image's own score ({@link io.segpipe.jobs.eval.ImageScore}), the worst images kept per
 * partition and merged ({@link io.segpipe.jobs.eval.WorstExamples}), the distributed evaluation job
 * and its report ({@link io.segpipe.jobs.eval.EvalReport}):
 * <ul>
 *   <li>{@code report.json}: the {@link io.segpipe.jobs.eval.EvalResult}, every metric and the matrix;</li>
 *   <li>{@code per_image.csv}: every image's mIoU and pixel accuracy, worst first;</li>
 *   <li>{@code index.html}: metric cards and a summary; the per-class table (IoU, Dice, recall,
 *       precision); the row-normalised confusion heat map ({@link io.segpipe.jobs.eval.HeatMap},
 *       one decimal); the spread of the per-image numbers; the worst images with ground truth,
 *       prediction and an error map ({@link io.segpipe.jobs.eval.ErrorMap}: correct, wrong,
 *       ignored); the model's loss and val mIoU curves and a provenance table (training data and its
 *       manifest hash, spec, training settings, versions, registry version)
 *       ({@link io.segpipe.jobs.eval.TrainingSection}).</li>
 * </ul>
 * Applying the model is {@link io.segpipe.jobs.infer}'s.
 */
package io.segpipe.jobs.eval;
