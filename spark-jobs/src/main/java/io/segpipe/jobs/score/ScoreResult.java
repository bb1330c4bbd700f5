package io.segpipe.jobs.score;

import java.util.List;

import io.segpipe.jobs.infer.BadImage;
import io.segpipe.jobs.infer.InferenceConfig;

/**
 * What {@link ScoreJob#run} did.
 *
 * @param model            qualified model directory
 * @param input            what was scored ({@link ScoreConfig#describeInput()})
 * @param output           qualified Parquet output directory
 * @param masks            qualified masks folder, or null
 * @param inputImages      images in the input
 * @param skipped          images skipped because their id was already in the output (resume)
 * @param scored           images scored and written by this run
 * @param badImages        unusable images (corrupt, wrong channel count), counted, not written
 * @param bad              the first {@code maxBadListed} of them with reasons, sorted by id
 * @param partitions       partitions the run scored in
 * @param filesWritten     Parquet files this run published (one per non-empty partition)
 * @param inference        inference mode used
 * @param seconds          wall time of the distributed scoring
 * @param imagesPerSecond  {@code scored / seconds}
 * @param inferenceSeconds summed task time inside forward passes (all executors)
 * @param runId            the run's id: names its part files and is recorded in the completion markers
 */
public record ScoreResult(String model, String input, String output, String masks, long inputImages, long skipped,
                          long scored, long badImages, List<BadImage> bad, int partitions, int filesWritten,
                          InferenceConfig inference, double seconds, double imagesPerSecond, double inferenceSeconds,
                          String runId) {

    public ScoreResult {
        bad = List.copyOf(bad);
    }
}
