package io.segpipe.jobs.retrain;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.segpipe.jobs.eval.SegmentationMetrics;

/**
 * The metric promotion compares; all are higher-is-better summaries of one confusion matrix
 * ({@link SegmentationMetrics}). Written in configuration by key ({@code meanIoU}), case-insensitive.
 */
public enum Metric {
    /** Mean IoU over classes not absent: the usual segmentation benchmark measure, sensitive to rare classes. */
    MEAN_IOU("meanIoU", SegmentationMetrics::meanIoU),
    /** Correct pixels / all pixels: dominated by large classes (background). */
    PIXEL_ACCURACY("pixelAccuracy", SegmentationMetrics::pixelAccuracy),
    /** Mean recall over classes present in the ground truth. */
    MEAN_CLASS_ACCURACY("meanClassAccuracy", SegmentationMetrics::meanClassAccuracy),
    /** IoU weighted by class support. */
    FREQUENCY_WEIGHTED_IOU("frequencyWeightedIoU", SegmentationMetrics::frequencyWeightedIoU),
    /** Mean Dice / F1 over classes not absent. */
    MEAN_DICE("meanDice", SegmentationMetrics::meanDice);

    private final String key;
    private final ToDoubleFunction<SegmentationMetrics> value;

    Metric(String key, ToDoubleFunction<SegmentationMetrics> value) {
        this.key = key;
        this.value = value;
    }

    /** The name in configuration, history records and reports ({@code meanIoU}). */
    @JsonValue
    public String key() {
        return key;
    }

    /** This metric of {@code m}; NaN when undefined (e.g. no labelled pixel). */
    public double of(SegmentationMetrics m) {
        return value.applyAsDouble(m);
    }

    /** Every metric of {@code m} by key, in declaration order (what history records store). */
    public static Map<String, Double> all(SegmentationMetrics m) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Metric metric : values()) {
            out.put(metric.key, metric.of(m));
        }
        return out;
    }

    /** By key or enum name, case-insensitive: {@code meanIoU}, {@code MEAN_IOU}. */
    @JsonCreator
    public static Metric parse(String s) {
        for (Metric m : values()) {
            if (m.key.equalsIgnoreCase(s) || m.name().equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("metric must be one of "
                + Arrays.stream(values()).map(Metric::key).toList() + ", found \"" + s + "\"");
    }

    @Override
    public String toString() {
        return key;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
