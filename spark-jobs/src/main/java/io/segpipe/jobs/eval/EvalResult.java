package io.segpipe.jobs.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.segpipe.jobs.infer.BadImage;
import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.infer.InputSettings;
import io.segpipe.prep.reader.Normalization;
import io.segpipe.prep.schema.ClassTable;

/**
 * What {@link EvalJob#run} measured; written as the report's {@code report.json}.
 *
 * @param model           qualified model directory (a registry version's, for a registry model)
 * @param data            qualified dataset directory
 * @param split           the evaluated split
 * @param output          qualified report directory
 * @param classes         the dataset's class table (names, colours, ignore label)
 * @param images          images evaluated
 * @param badImages       images skipped as unusable (counted; the first {@code maxBadListed} listed in {@code bad})
 * @param bad             skipped images with reasons, sorted by id
 * @param metrics         every metric, computed from {@code confusionMatrix} alone
 * @param confusionMatrix pixel counts, rows = ground truth, columns = prediction, ignore label excluded
 * @param inference       inference mode used
 * @param normalization   pixel normalisation used
 * @param partitions      partitions the evaluation ran in
 * @param seconds         wall time of the distributed evaluation (load, inference, merge), report excluded
 * @param imagesPerSecond {@code images / seconds}
 * @param inferenceSeconds summed task time inside forward passes (all executors)
 * @param createdAt       ISO-8601 UTC time the evaluation finished
 * @param inputScale      factor images were resized by before the network (predictions resized back)
 * @param settingSources  where {@code normalization}, {@code inputScale} and {@code inference} came from
 * @param registry        the registry the model was taken from, or null when named as a directory
 * @param registryVersion its registry version, or null
 */
public record EvalResult(String model, String data, String split, String output, ClassTable classes, long images,
                         long badImages, List<BadImage> bad, SegmentationMetrics metrics, ConfusionMatrix confusionMatrix,
                         InferenceConfig inference, Normalization normalization, int partitions, double seconds,
                         double imagesPerSecond, double inferenceSeconds, String createdAt, double inputScale,
                         Map<String, InputSettings.Source> settingSources, String registry, Integer registryVersion) {

    public EvalResult {
        bad = List.copyOf(bad);
        settingSources = settingSources == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(settingSources));
    }
}
