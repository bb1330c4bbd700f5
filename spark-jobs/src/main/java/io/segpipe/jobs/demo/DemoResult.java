package io.segpipe.jobs.demo;

import io.segpipe.jobs.eval.EvalResult;
import io.segpipe.jobs.eval.SegmentationMetrics;
import io.segpipe.jobs.score.ScoreResult;
import io.segpipe.jobs.train.TrainResult;
import io.segpipe.prep.job.PrepResult;

/**
 * What each stage of the demo produced, and the trivial predictor's metrics on the same
 * evaluation (every pixel the most frequent class) that the model must clearly beat.
 */
public record DemoResult(String work, PrepResult prep, TrainResult train, String statsFile, EvalResult eval, SegmentationMetrics trivial,
                         ScoreResult score, double seconds) {
}
