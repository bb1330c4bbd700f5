/**
 * Scheduled retraining ({@link io.segpipe.jobs.retrain.RetrainJob}): train a challenger on the
 * current dataset, evaluate it and the production model on the same held-out split, register it
 * in the {@link io.segpipe.jobs.registry model registry}, and promote it only when the
 * {@link io.segpipe.jobs.retrain.PromotionPolicy} (metric, margin, floor, and the optional per-class
 * guard {@code maxClassRegression}) says it is better.
 *
 * <p>Every run with a champion writes a comparison page beside its two evaluation reports
 * ({@code Comparison}: metrics side by side, per-class IoU regressions worst first, and the images
 * the two models disagree on most with both predictions, predicted again on the executors for
 * those ids only, {@code ComparisonPredictor}); the run's
 * {@link io.segpipe.jobs.registry.HistoryRecord#comparison() history record} names it. A first run
 * has no champion and writes no page.
 */
package io.segpipe.jobs.retrain;
