package io.segpipe.prep.reader;

import io.segpipe.prep.Checks;

import java.io.Serializable;
import java.util.List;

/**
 * Pixel normalisation applied when decoding: {@code value = (sample * scale - mean[c]) / std[c]}.
 *
 * @param scale multiplier applied to the 0..255 sample first (default 1/255, giving [0, 1])
 * @param mean  per-channel mean subtracted after scaling; one value applies to every channel (default [0])
 * @param std   per-channel divisor, each > 0; one value applies to every channel (default [1])
 */
public record Normalization(double scale, List<Double> mean, List<Double> std) implements Serializable {

    /** Scale to [0, 1] only. */
    public static final Normalization UNIT = new Normalization(1.0 / 255, List.of(0.0), List.of(1.0));

    /** Scale to [0, 1], then the ImageNet RGB mean and standard deviation (for pretrained encoders). */
    public static final Normalization IMAGENET = new Normalization(1.0 / 255, List.of(0.485, 0.456, 0.406),
            List.of(0.229, 0.224, 0.225));

    public Normalization {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("normalization.scale must be > 0, found " + scale);
        }
        Checks.notNull("normalization.mean", mean);
        Checks.notNull("normalization.std", std);
        if (mean.isEmpty() || std.isEmpty()) {
            throw new IllegalArgumentException("normalization.mean and normalization.std need at least one value, found "
                    + mean + " and " + std);
        }
        for (Double s : std) {
            if (s == null || !(s > 0)) {
                throw new IllegalArgumentException("normalization.std values must be > 0, found " + std);
            }
        }
        mean = List.copyOf(mean);
        std = List.copyOf(std);
    }

    /**
     * The image as planar (CHW) normalised floats: {@code (value * scale - mean) / std} per channel,
     * the network input of training, evaluation and scoring alike.
     */
    public float[] planar(io.segpipe.prep.codec.RasterImage image) {
        int channels = image.channels();
        float[][] ab = coefficients(channels);
        int plane = image.width() * image.height();
        float[] chw = new float[channels * plane];
        byte[] px = image.pixels();
        for (int c = 0; c < channels; c++) {
            float a = ab[c][0];
            float b = ab[c][1];
            int base = c * plane;
            for (int i = 0; i < plane; i++) {
                chw[base + i] = (px[i * channels + c] & 0xFF) * a + b;
            }
        }
        return chw;
    }

    /** Per-channel {@code [scale/std, -mean/std]} for an image of {@code channels} channels. */
    float[][] coefficients(int channels) {
        if ((mean.size() != 1 && mean.size() != channels) || (std.size() != 1 && std.size() != channels)) {
            throw new IllegalArgumentException("normalization has " + mean.size() + " mean and " + std.size()
                    + " std values but the image has " + channels + " channels");
        }
        float[][] ab = new float[channels][2];
        for (int c = 0; c < channels; c++) {
            double m = mean.get(mean.size() == 1 ? 0 : c);
            double s = std.get(std.size() == 1 ? 0 : c);
            ab[c][0] = (float) (scale / s);
            ab[c][1] = (float) (-m / s);
        }
        return ab;
    }
}
