package io.segpipe.prep.reader;

/**
 * One decoded sample.
 *
 * @param id       sample id
 * @param split    split name
 * @param channels image channels (1 or 3)
 * @param height   rows
 * @param width    columns
 * @param image    {@code channels * height * width} floats, CHW (planar), normalised
 * @param label    {@code height * width} class ids, row-major; the ignore label where ignored
 * @param pixels   the image as decoded, before normalisation: {@code height * width * channels} 8-bit samples,
 *                 row-major, channels interleaved (HWC, as {@link io.segpipe.prep.codec.RasterImage} holds them);
 *                 kept only for a consumer that needs the original colours (the dense CRF of evaluation and
 *                 scoring, {@link RowDecoder#keepingPixels()}), null otherwise
 */
public record TensorSample(String id, String split, int channels, int height, int width, float[] image, int[] label,
                           byte[] pixels) implements java.io.Serializable {

    /** A sample without its decoded 8-bit pixels. */
    public TensorSample(String id, String split, int channels, int height, int width, float[] image, int[] label) {
        this(id, split, channels, height, width, image, label, null);
    }

    public TensorSample {
        if (pixels != null && pixels.length != (long) height * width * channels) {
            throw new IllegalArgumentException("sample " + id + ": pixels hold " + pixels.length + " samples, expected "
                    + "height x width x channels = " + height + " x " + width + " x " + channels);
        }
    }
}
