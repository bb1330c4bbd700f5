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
 */
public record TensorSample(String id, String split, int channels, int height, int width, float[] image, int[] label)
        implements java.io.Serializable {
}
