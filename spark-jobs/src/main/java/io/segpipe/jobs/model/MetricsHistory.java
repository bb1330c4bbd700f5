package io.segpipe.jobs.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.segpipe.prep.Json;

/**
 * The metrics of every epoch of a run, in order: stored as {@code metrics.json} and
 * {@code metrics.csv} in a model directory and in every checkpoint (so a resumed run continues
 * the same history). Immutable; {@link #plus} returns a longer history.
 */
public final class MetricsHistory {

    private final List<EpochMetrics> epochs;

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public MetricsHistory(List<EpochMetrics> epochs) {
        this.epochs = List.copyOf(epochs);
        for (int i = 1; i < this.epochs.size(); i++) {
            if (this.epochs.get(i).epoch() <= this.epochs.get(i - 1).epoch()) {
                throw new IllegalArgumentException("epochs must increase, found " + this.epochs.get(i - 1).epoch()
                        + " then " + this.epochs.get(i).epoch());
            }
        }
    }

    public static MetricsHistory empty() {
        return new MetricsHistory(List.of());
    }

    @JsonValue
    public List<EpochMetrics> epochs() {
        return epochs;
    }

    public MetricsHistory plus(EpochMetrics m) {
        List<EpochMetrics> all = new ArrayList<>(epochs);
        all.add(m);
        return new MetricsHistory(all);
    }

    /** The validated epoch with the highest val mIoU (the earliest on ties). */
    public Optional<EpochMetrics> best() {
        EpochMetrics best = null;
        for (EpochMetrics e : epochs) {
            if (e.validated() && !e.valMeanIoU().isNaN() && (best == null || e.valMeanIoU() > best.valMeanIoU())) {
                best = e;
            }
        }
        return Optional.ofNullable(best);
    }

    public Optional<EpochMetrics> last() {
        return epochs.isEmpty() ? Optional.empty() : Optional.of(epochs.get(epochs.size() - 1));
    }

    public String toJson() {
        return Json.write(this);
    }

    public static MetricsHistory fromJson(String json) {
        return new MetricsHistory(List.of(Json.read(json, EpochMetrics[].class)));
    }

    /**
     * One row per epoch: epoch, loss, learning rate, images, seconds, img/s, skipped rows, val mIoU,
     * val pixel accuracy, validation seconds, the loss's unit ({@code per pixel}), then one
     * {@code iou_<class>} column per class. Empty cells where there was no validation.
     */
    public String toCsv(List<String> classNames) {
        StringBuilder sb = new StringBuilder("epoch,loss,learning_rate,images,seconds,images_per_second,skipped_rows,"
                + "val_miou,val_pixel_accuracy,validation_seconds,loss_unit");
        for (String name : classNames) {
            sb.append(",iou_").append(name.replaceAll("[^A-Za-z0-9_]", "_"));
        }
        sb.append('\n');
        for (EpochMetrics e : epochs) {
            sb.append(e.epoch()).append(',').append(num(e.loss())).append(',').append(num(e.learningRate())).append(',')
                    .append(e.images()).append(',').append(num(e.seconds())).append(',').append(num(e.imagesPerSecond()))
                    .append(',').append(e.skippedRows()).append(',').append(opt(e.valMeanIoU())).append(',')
                    .append(opt(e.valPixelAccuracy())).append(',').append(num(e.validationSeconds())).append(',')
                    .append(e.lossUnit().label());
            for (int k = 0; k < classNames.size(); k++) {
                sb.append(',');
                if (e.valIoU() != null && k < e.valIoU().size()) {
                    sb.append(num(e.valIoU().get(k)));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String opt(Double v) {
        return v == null ? "" : num(v);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.6g", v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetricsHistory h && epochs.equals(h.epochs);
    }

    @Override
    public int hashCode() {
        return epochs.hashCode();
    }

    @Override
    public String toString() {
        return "MetricsHistory" + epochs;
    }
}
