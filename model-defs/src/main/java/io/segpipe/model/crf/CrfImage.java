package io.segpipe.model.crf;

import java.util.Objects;

/**
 * The image whose colours the CRF's appearance kernel compares: 8-bit samples (0..255, stored in
 * Java's signed bytes), RGB or grey, interleaved (row by row, pixel by pixel, the way image codecs
 * decode) or planar (channel by channel). The pixel array is not copied.
 *
 * @param height   rows, >= 1
 * @param width    columns, >= 1
 * @param channels 3 (RGB) or 1 (grey)
 * @param layout   order of the samples in {@code pixels}
 * @param pixels   {@code height · width · channels} samples
 */
public record CrfImage(int height, int width, int channels, Layout layout, byte[] pixels) {

    /** Order of the samples. */
    public enum Layout {
        /** {@code pixels[(y · width + x) · channels + c]}: HWC, as decoded images are. */
        INTERLEAVED,
        /** {@code pixels[(c · height + y) · width + x]}: CHW, as network inputs are. */
        PLANAR
    }

    public CrfImage {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image height and width must be >= 1, found " + height + "x" + width);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("image channels must be 1 (grey) or 3 (RGB), found " + channels);
        }
        Objects.requireNonNull(layout, "image layout must be set");
        Objects.requireNonNull(pixels, "image pixels must be set");
        if ((long) height * width * channels != pixels.length) {
            throw new IllegalArgumentException("image pixels hold " + pixels.length + " samples, expected height x width x "
                    + "channels = " + height + " x " + width + " x " + channels);
        }
    }

    /** An image decoded pixel by pixel (HWC). */
    public static CrfImage interleaved(byte[] pixels, int height, int width, int channels) {
        return new CrfImage(height, width, channels, Layout.INTERLEAVED, pixels);
    }

    /** An image stored channel by channel (CHW). */
    public static CrfImage planar(byte[] pixels, int height, int width, int channels) {
        return new CrfImage(height, width, channels, Layout.PLANAR, pixels);
    }

    /** Sample {@code channel} of pixel {@code pixel} (row-major), 0..255. */
    public int sample(int pixel, int channel) {
        int index = layout == Layout.INTERLEAVED ? pixel * channels + channel : channel * height * width + pixel;
        return pixels[index] & 0xFF;
    }
}
