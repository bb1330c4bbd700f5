package io.segpipe.jobs.score;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;

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
 * @param inference        inference mode used; its {@code crf} is the dense CRF's configuration when the CRF
 *                         refined the predictions (labels and confidences), null (absent from the JSON) when off
 * @param seconds          wall time of the distributed scoring
 * @param imagesPerSecond  {@code scored / seconds}
 * @param inferenceSeconds summed task time inside the network (forward passes and their averaging, all executors)
 * @param crfSeconds       summed task time inside the dense CRF (all executors), 0 when it was off
 * @param networkSecondsPerImage {@code inferenceSeconds / scored}
 * @param crfSecondsPerImage {@code crfSeconds / scored}, 0 when the CRF was off
 * @param runId            the run's id: names its part files and is recorded in the completion markers
 */
public record ScoreResult(String model, String input, String output, String masks, long inputImages, long skipped,
                          long scored, long badImages, List<BadImage> bad, int partitions, int filesWritten,
                          InferenceConfig inference, double seconds, double imagesPerSecond, double inferenceSeconds,
                          @JsonSetter(nulls = Nulls.AS_EMPTY) double crfSeconds,
                          @JsonSetter(nulls = Nulls.AS_EMPTY) double networkSecondsPerImage,
                          @JsonSetter(nulls = Nulls.AS_EMPTY) double crfSecondsPerImage, String runId) {

    public ScoreResult {
        bad = List.copyOf(bad);
    }

    /** True when the dense CRF refined the predictions ({@code inference.crf}). */
    public boolean crfApplied() {
        return inference != null && inference.crf() != null;
    }
}
