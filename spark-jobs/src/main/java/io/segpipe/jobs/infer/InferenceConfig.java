package io.segpipe.jobs.infer;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

import io.segpipe.model.crf.CrfConfig;
import io.segpipe.model.crf.DenseCrf;
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
 * <p><b>Dense CRF</b> ({@code crf}, off by default): the averaged probabilities of each image are
 * refined by the fully connected CRF of Krähenbühl &amp; Koltun, "Efficient Inference in Fully
 * Connected CRFs with Gaussian Edge Potentials" (NIPS 2011), as DeepLab v1/v2 post-process their
 * output (Chen et al., ICLR 2015, TPAMI 2017), and the labels (and scoring's confidences) are taken
 * from the refined distribution ({@link DenseCrf}, {@link CrfRefinement}). Labels then follow colour
 * edges the network's output blurs, and small isolated mistakes disappear. The CRF compares the
 * image's own 8-bit colours (the decoded pixels, not the normalised network input) and always runs
 * at the image's stored size, after the probabilities of every mode above have been resized back
 * to it, whatever the input scale: {@code thetaAlpha} and {@code thetaGamma} are in pixels of the
 * stored image. Set it as an object of {@link CrfConfig}'s parameters, each defaulting to
 * DeepLab's ({@link CrfConfig#DEFAULT}: {@code {}} or {@code true} turns it on with those,
 * {@code null} or {@code false} leaves it off). Cost: plain Java on the task thread, linear in the
 * pixels, the classes and {@code iterations}; evaluation reports it next to the network's time.
 * Training's validation never uses it.
 *
 * @param batchSize     images per forward pass (same-size images are batched together), >= 1 (default 4)
 * @param slidingWindow predict in overlapping windows instead of whole images (default false)
 * @param tileHeight    window height, 0 = the model's training input height (default 0)
 * @param tileWidth     window width, 0 = the model's training input width (default 0)
 * @param overlap       fraction of a window shared with its neighbour, in [0, 0.9] (default 1/3)
 * @param scales        image scales to average, each in [0.25, 4] (default [1.0])
 * @param flip          also average the left-right mirrored prediction (default false)
 * @param crf           refine the probabilities with the dense CRF configured so, or null for none (default
 *                      null); omitted from JSON when null, so what segpipe wrote before the option existed, and
 *                      writes without it, stays as it was
 */
@JsonDeserialize(builder = InferenceConfig.Builder.class)
public record InferenceConfig(int batchSize, boolean slidingWindow, int tileHeight, int tileWidth, double overlap,
                              List<Double> scales, boolean flip,
                              @JsonInclude(JsonInclude.Include.NON_NULL) CrfConfig crf)
        implements java.io.Serializable {

    /** Whole image, batch 4, one scale, no flip, no CRF. */
    public static final InferenceConfig DEFAULT = builder().build();

    /** The configuration key of the CRF, as messages name it. */
    public static final String CRF_KEY = "inference.crf";

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
        s.append(", batch ").append(batchSize);
        if (crf != null) {
            s.append(", ").append(describe(crf));
        }
        return s.toString();
    }

    /** A CRF configuration in words, with its option names: "dense CRF (w1 4, thetaAlpha 60, ..., 10 iterations)". */
    public static String describe(CrfConfig crf) {
        return String.format(Locale.ROOT, "dense CRF (w1 %s, thetaAlpha %s, thetaBeta %s, w2 %s, thetaGamma %s, %d iterations)",
                number(crf.w1()), number(crf.thetaAlpha()), number(crf.thetaBeta()), number(crf.w2()),
                number(crf.thetaGamma()), crf.iterations());
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    /**
     * True when this and {@code other} predict the same labels: they differ at most in batch size.
     * A different CRF setting (on, off or other parameters) predicts other labels.
     */
    public boolean predictsLike(InferenceConfig other) {
        return toBuilder().batchSize(other.batchSize).build().equals(other);
    }

    /** True when this and {@code other} feed the network the same way: they differ at most in batch size and CRF. */
    public boolean networkRunsLike(InferenceConfig other) {
        return toBuilder().batchSize(other.batchSize).crf(other.crf).build().equals(other);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().batchSize(batchSize).slidingWindow(slidingWindow).tileHeight(tileHeight).tileWidth(tileWidth)
                .overlap(overlap).scales(scales).flip(flip).crf(crf);
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
        private CrfConfig crf;

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

        /** The dense CRF's parameters, or null for none. */
        @JsonDeserialize(using = CrfOption.class)
        public Builder crf(CrfConfig v) {
            crf = v;
            return this;
        }

        public InferenceConfig build() {
            return new InferenceConfig(batchSize, slidingWindow, tileHeight, tileWidth, overlap, scales, flip, crf);
        }
    }

    /**
     * Binds {@code crf}: an object of {@link CrfConfig}'s parameters (omitted ones take their
     * defaults), {@code true} for all defaults, {@code false} for none ({@code null} is none too).
     * A parameter out of range is named with its key, e.g. {@code inference.crf.iterations must be in
     * [1, 100], found 0}.
     */
    static final class CrfOption extends JsonDeserializer<CrfConfig> {
        @Override
        public CrfConfig deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_TRUE) {
                return CrfConfig.DEFAULT;
            }
            if (token == JsonToken.VALUE_FALSE) {
                return null;
            }
            if (token != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException(CRF_KEY + " must be an object of CRF parameters (w1, thetaAlpha, "
                        + "thetaBeta, w2, thetaGamma, iterations; {} for the defaults), true (the defaults), false or "
                        + "null (off), found " + p.getText());
            }
            try {
                return ctxt.readValue(p, CrfConfig.class);
            } catch (ValueInstantiationException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new IllegalArgumentException(CRF_KEY + "." + cause.getMessage(), e);
            }
        }
    }
}
