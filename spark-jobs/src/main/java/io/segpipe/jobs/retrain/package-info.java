/**
 * Scheduled retraining ({@link io.segpipe.jobs.retrain.RetrainJob}): train a challenger on the
 * current dataset, evaluate it and the production model on the same held-out split, register it
 * in the {@link io.segpipe.jobs.registry model registry}, and promote it only when the
 * {@link io.segpipe.jobs.retrain.PromotionPolicy} (metric, margin, floor) says it is better.
 */
package io.segpipe.jobs.retrain;
