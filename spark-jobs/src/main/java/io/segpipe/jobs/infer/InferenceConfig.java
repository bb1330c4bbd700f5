package io.segpipe.jobs.infer;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;

import io.segpipe.prep.Checks;
import io.segpipe.prep.Json;

/**
 * How a model is applied to an image, shared by evaluation and scoring (validation during training
 * predicts whole images, with its own batch size).
 *
 * <p><b>Whole image</b> ({@code slidingWindow = false}, the default): one forward pass over the
 * whole image (the {@link io.segpipe.model.predict.Segmenter} pads it to the architecture's input
 * multiple). Exact and fastest when the model copes with the image size.
 *
 * <p><b>Sliding window</b>: for images larger than the training size, the image is covered by
 * {@code tileHeight x tileWidth} windows (0 = the spec's training input size) that overlap by
 * {@code overlap} of a window; window probabilities are averaged where windows overlap. The
 * trade-off: the network sees inputs of the size it was trained on (batch-norm statistics and
 * receptive field match) at the cost of {@code ~1/(1-overlap)^2} times the compute; overlap hides
 * the weaker predictions near window borders. An image no larger than a window is predicted whole.
 *
 * <p><b>Multi-scale and flip averaging</b> (test-time augmentation, as in DeepLab, Chen et al.
 * 2017): the image is resized by each of {@code scales} (bilinear), predicted, and the
 * probabilities resized back and averaged; with {@code flip}, each scale is also predicted
 * mirrored left-right and un-mirrored. Costs {@code sum(scale^2) * (flip ? 2 : 1)} times one pass,
 * typically buys a point or two of mIoU.
 *
 * @param batchSize     images per forward pass (same-size images are batched together), >= 1 (default 4)
 * @param slidingWindow predict in overlapping windows instead of whole images (default false)
 * @param tileHeight    window height, 0 = the model's training input height (default 0)
 * @param tileWidth     window width, 0 = the model's training input width (default 0)
 * @param overlap       fraction of a window shared with its neighbour, in [0, 0.9] (default 1/3)
 * @param scales        image scales to average, each in [0.25, 4] (default [1.0])
 * @param flip          also average the left-right mirrored prediction (default false)
 */
@JsonDeserialize(builder = InferenceConfig.Builder.class)
public record InferenceConfig(int batchSize, boolean slidingWindow, int tileHeight, int tileWidth, double overlap,
                              List<Double> scales, boolean flip) implements java.io.Serializable {

    /** Whole image, batch 4, one scale, no flip. */
    public static final InferenceConfig DEFAULT = builder().build();

    public InferenceConfig {
        Checks.atLeast("inference.batchSize", batchSize, 1);
        Checks.atLeast("inference.tileHeight", tileHeight, 0);
        Checks.atLeast("inference.tileWidth", tileWidth, 0);
        if ((tileHeight == 0) != (tileWidth == 0)) {
            throw new IllegalArgumentException("inference.tileHeight and inference.tileWidth must both be 0 (the model's "
                    + "training size) or both set, found " + tileHeight + "x" + tileWidth);
        }
        Checks.inRange("inference.overlap", overlap, 0, 0.9);
        Checks.notNull("inference.scales", scales);
        if (scales.isEmpty()) {
            throw new IllegalArgumentException("inference.scales must hold at least one scale, found []");
        }
        for (Double s : scales) {
            if (s == null || !(s >= 0.25 && s <= 4)) {
                throw new IllegalArgumentException("inference.scales values must be in [0.25, 4], found " + scales);
            }
        }
        scales = List.copyOf(scales);
    }

    /** True when only one plain forward pass per window is needed (no scale or flip averaging). */
    public boolean singlePass() {
        return !flip && scales.size() == 1 && scales.get(0) == 1.0;
    }

    /** In words, e.g. "whole image, batch 4" or "sliding window 64x96, overlap 0.33, scales [0.5, 1.0], flip averaging, batch 2". */
    public String describe() {
        StringBuilder s = new StringBuilder(slidingWindow ? "sliding window" : "whole image");
        if (slidingWindow) {
            s.append(tileHeight > 0 ? " " + tileHeight + "x" + tileWidth : " (training size)")
                    .append(String.format(Locale.ROOT, ", overlap %.2f", overlap));
        }
        if (!(scales.size() == 1 && scales.get(0) == 1.0)) {
            s.append(", scales ").append(scales);
        }
        if (flip) {
            s.append(", flip averaging");
        }
        return s.append(", batch ").append(batchSize).toString();
    }

    /** True when this and {@code other} predict the same labels: they differ at most in batch size. */
    public boolean predictsLike(InferenceConfig other) {
        return toBuilder().batchSize(other.batchSize).build().equals(other);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().batchSize(batchSize).slidingWindow(slidingWindow).tileHeight(tileHeight).tileWidth(tileWidth)
                .overlap(overlap).scales(scales).flip(flip);
    }

    public String toJson() {
        return Json.write(this);
    }

    public static InferenceConfig fromJson(String json) {
        return Json.read(json, InferenceConfig.class);
    }

    /** Defaults for every option; {@link #build()} validates. */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private int batchSize = 4;
        private boolean slidingWindow;
        private int tileHeight;
        private int tileWidth;
        private double overlap = 1.0 / 3;
        private List<Double> scales = List.of(1.0);
        private boolean flip;

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder slidingWindow(boolean v) {
            slidingWindow = v;
            return this;
        }

        public Builder tileHeight(int v) {
            tileHeight = v;
            return this;
        }

        public Builder tileWidth(int v) {
            tileWidth = v;
            return this;
        }

        /** Both window sizes. */
        public Builder tile(int height, int width) {
            tileHeight = height;
            tileWidth = width;
            return this;
        }

        public Builder overlap(double v) {
            overlap = v;
            return this;
        }

        public Builder scales(List<Double> v) {
            scales = v;
            return this;
        }

        public Builder flip(boolean v) {
            flip = v;
            return this;
        }

        public InferenceConfig build() {
            return new InferenceConfig(batchSize, slidingWindow, tileHeight, tileWidth, overlap, scales, flip);
        }
    }
}
