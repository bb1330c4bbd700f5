package io.segpipe.prep.codec;

/**
 * A decoded 8-bit image: {@code pixels} holds {@code height * width * channels} bytes, row-major,
 * channels interleaved (HWC, RGB order); channels is 1 (grey) or 3 (RGB).
 */
public record RasterImage(int width, int height, int channels, byte[] pixels) {

    public RasterImage {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, found " + width + "x" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, found " + channels);
        }
        if (pixels.length != (long) width * height * channels) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " bytes, expected "
                    + width + "x" + height + "x" + channels);
        }
    }

    /** Unsigned sample at (x, y, channel). */
    public int sample(int x, int y, int channel) {
        return pixels[(y * width + x) * channels + channel] & 0xFF;
    }

    public String size() {
        return info().size();
    }

    public ImageInfo info() {
        return new ImageInfo(width, height, channels);
    }
}
