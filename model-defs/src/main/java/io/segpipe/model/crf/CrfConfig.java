package io.segpipe.model.crf;

import java.io.Serializable;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The parameters of the fully connected CRF (Krähenbühl &amp; Koltun, "Efficient Inference in Fully
 * Connected CRFs with Gaussian Edge Potentials", NIPS 2011), whose pairwise potential between
 * pixels i and j with positions p and colours I is Potts times
 * <pre>    w1 · exp(-|p_i - p_j|² / 2θα² - |I_i - I_j|² / 2θβ²) + w2 · exp(-|p_i - p_j|² / 2θγ²)</pre>
 * The first (appearance) kernel makes pixels of similar colour within about θα pixels take the same
 * label, so labels snap to colour edges; the second (smoothness) kernel removes isolated labels
 * within about θγ pixels regardless of colour.
 *
 * <p><b>Defaults.</b> {@code w2 = 3, θγ = 3} and 10 mean-field iterations are the values DeepLab
 * fixes (Chen et al., "Semantic Image Segmentation with Deep Convolutional Nets and Fully Connected
 * CRFs", ICLR 2015, and "DeepLab", TPAMI 2017). {@code w1 = 4, θα = 60, θβ = 5} lie inside the
 * ranges DeepLab cross-validates on PASCAL VOC ({@code w1 ∈ [3, 6], θα ∈ [30, 100], θβ ∈ [3, 6]},
 * TPAMI 2017); the best values depend on the network and the image size (θα and θγ are in pixels),
 * so tune them on held-out images of your data.
 *
 * <p><b>Trade-offs.</b> A larger θα reaches further along a region of one colour at no extra cost
 * (the lattice's cost does not grow with the kernel size); a smaller θβ separates closer colours
 * but lets texture split regions. Raising w1 or w2 lets the image overrule more confident network
 * predictions; cost is linear in {@code iterations} (mean field usually settles within 5–10).
 *
 * @param w1         weight of the appearance kernel, >= 0 (0 switches it off)
 * @param thetaAlpha spatial standard deviation of the appearance kernel in pixels, > 0
 * @param thetaBeta  colour standard deviation of the appearance kernel in 0..255 intensity units, > 0
 * @param w2         weight of the smoothness kernel, >= 0 (0 switches it off)
 * @param thetaGamma spatial standard deviation of the smoothness kernel in pixels, > 0
 * @param iterations mean-field iterations, in [1, 100]
 */
@JsonDeserialize(builder = CrfConfig.Builder.class)
public record CrfConfig(double w1, double thetaAlpha, double thetaBeta, double w2, double thetaGamma, int iterations)
        implements Serializable {

    /** DeepLab's setting (see the class comment). */
    public static final CrfConfig DEFAULT = builder().build();

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    public CrfConfig {
        require(w1 >= 0 && Double.isFinite(w1), "w1 must be finite and >= 0, found " + w1);
        require(thetaAlpha > 0 && Double.isFinite(thetaAlpha), "thetaAlpha must be finite and > 0, found " + thetaAlpha);
        require(thetaBeta > 0 && Double.isFinite(thetaBeta), "thetaBeta must be finite and > 0, found " + thetaBeta);
        require(w2 >= 0 && Double.isFinite(w2), "w2 must be finite and >= 0, found " + w2);
        require(thetaGamma > 0 && Double.isFinite(thetaGamma), "thetaGamma must be finite and > 0, found " + thetaGamma);
        require(iterations >= 1 && iterations <= 100, "iterations must be in [1, 100], found " + iterations);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder().w1(w1).thetaAlpha(thetaAlpha).thetaBeta(thetaBeta).w2(w2).thetaGamma(thetaGamma)
                .iterations(iterations);
    }

    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write CRF configuration as JSON", e);
        }
    }

    /**
     * Reads a configuration written by {@link #toJson()}; omitted keys take the defaults.
     *
     * @throws IllegalArgumentException naming the field, for malformed JSON, unknown keys or invalid values
     */
    public static CrfConfig fromJson(String json) {
        try {
            return JSON.readValue(json, CrfConfig.class);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("invalid CRF configuration: " + cause.getMessage(), e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("invalid CRF configuration JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Starts from the defaults; {@link #build()} validates. JSON binds through it, so omitted keys keep them. */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private double w1 = 4;
        private double thetaAlpha = 60;
        private double thetaBeta = 5;
        private double w2 = 3;
        private double thetaGamma = 3;
        private int iterations = 10;

        @JsonCreator
        private Builder() {
        }

        public Builder w1(double v) { w1 = v; return this; }
        public Builder thetaAlpha(double v) { thetaAlpha = v; return this; }
        public Builder thetaBeta(double v) { thetaBeta = v; return this; }
        public Builder w2(double v) { w2 = v; return this; }
        public Builder thetaGamma(double v) { thetaGamma = v; return this; }
        public Builder iterations(int v) { iterations = v; return this; }

        public CrfConfig build() {
            return new CrfConfig(w1, thetaAlpha, thetaBeta, w2, thetaGamma, iterations);
        }
    }
}
