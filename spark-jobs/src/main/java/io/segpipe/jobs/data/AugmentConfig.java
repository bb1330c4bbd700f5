package io.segpipe.jobs.data;

import java.io.Serializable;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;

import io.segpipe.prep.Checks;

/**
 * Training-time augmentation, applied on executors to each decoded sample before it is cropped to
 * the training size (see {@link Augmenter} for the order). Omitted JSON fields take the
 * {@link Builder} defaults.
 *
 * @param scaleMin           smallest random scale factor (default 0.5); 1 with {@code scaleMax} 1 disables scaling
 * @param scaleMax           largest random scale factor (default 2.0), drawn uniformly in [scaleMin, scaleMax]
 *                           as DeepLab does
 * @param horizontalFlip     mirror left-right with probability 0.5 (default true)
 * @param brightness         photometric jitter: add a value drawn uniformly in [-brightness, brightness] to every
 *                           normalised pixel (default 0 = off; images normalised to [0, 1] suit about 0.1)
 * @param contrast           photometric jitter: scale each channel about its mean by a factor drawn in
 *                           [1 - contrast, 1 + contrast] (default 0 = off)
 * @param elasticProbability probability of an elastic deformation (default 0 = off). As in the U-Net paper
 *                           (Ronneberger et al., MICCAI 2015): random displacement vectors on a coarse grid,
 *                           interpolated to a smooth per-pixel field (bilinearly here; the paper used bicubic)
 * @param elasticSigma       standard deviation of the grid displacements in pixels of the training crop
 *                           (default 10, the paper's value)
 * @param elasticGrid        points per side of the displacement grid (default 3, the paper's 3x3)
 */
@JsonDeserialize(builder = AugmentConfig.Builder.class)
public record AugmentConfig(double scaleMin, double scaleMax, boolean horizontalFlip, double brightness, double contrast,
                            double elasticProbability, double elasticSigma, int elasticGrid) implements Serializable {

    /** Scale 0.5-2.0, flips, no photometric or elastic jitter. */
    public static final AugmentConfig DEFAULT = builder().build();
    /** Nothing random: the sample is only cropped or padded to the training size at offset 0. */
    public static final AugmentConfig NONE = builder().scaleMin(1).scaleMax(1).horizontalFlip(false).build();

    public AugmentConfig {
        Checks.inRange("augment.scaleMin", scaleMin, 0.05, 10);
        Checks.inRange("augment.scaleMax", scaleMax, 0.05, 10);
        if (scaleMax < scaleMin) {
            throw new IllegalArgumentException("augment.scaleMax must be >= augment.scaleMin=" + scaleMin + ", found "
                    + scaleMax);
        }
        Checks.inRange("augment.brightness", brightness, 0, 10);
        Checks.inRange("augment.contrast", contrast, 0, 0.99);
        Checks.inRange("augment.elasticProbability", elasticProbability, 0, 1);
        Checks.inRange("augment.elasticSigma", elasticSigma, 0, 1000);
        Checks.atLeast("augment.elasticGrid", elasticGrid, 2);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().scaleMin(scaleMin).scaleMax(scaleMax).horizontalFlip(horizontalFlip).brightness(brightness)
                .contrast(contrast).elasticProbability(elasticProbability).elasticSigma(elasticSigma)
                .elasticGrid(elasticGrid);
    }

    /** Defaults for every field; {@link #build()} validates. */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private double scaleMin = 0.5;
        private double scaleMax = 2.0;
        private boolean horizontalFlip = true;
        private double brightness;
        private double contrast;
        private double elasticProbability;
        private double elasticSigma = 10;
        private int elasticGrid = 3;

        public Builder scaleMin(double v) { scaleMin = v; return this; }
        public Builder scaleMax(double v) { scaleMax = v; return this; }
        public Builder horizontalFlip(boolean v) { horizontalFlip = v; return this; }
        public Builder brightness(double v) { brightness = v; return this; }
        public Builder contrast(double v) { contrast = v; return this; }
        public Builder elasticProbability(double v) { elasticProbability = v; return this; }
        public Builder elasticSigma(double v) { elasticSigma = v; return this; }
        public Builder elasticGrid(int v) { elasticGrid = v; return this; }

        public AugmentConfig build() {
            return new AugmentConfig(scaleMin, scaleMax, horizontalFlip, brightness, contrast, elasticProbability,
                    elasticSigma, elasticGrid);
        }
    }
}
