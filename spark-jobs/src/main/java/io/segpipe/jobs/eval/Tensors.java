package io.segpipe.jobs.eval;

import java.util.List;

import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.prep.codec.RasterImage;
import io.segpipe.prep.reader.Normalization;

/** Images to network input: the same normalisation as data-prep's {@code RowDecoder}. */
public final class Tensors {

    private Tensors() {
    }

    /** Planar (CHW) normalised floats of an 8-bit image. */
    public static float[] chw(RasterImage image, Normalization normalization) {
        int channels = image.channels();
        float[][] ab = normalization.coefficients(channels);
        int plane = image.width() * image.height();
        float[] out = new float[channels * plane];
        byte[] px = image.pixels();
        for (int c = 0; c < channels; c++) {
            float a = ab[c][0];
            float b = ab[c][1];
            int base = c * plane;
            for (int i = 0; i < plane; i++) {
                out[base + i] = (px[i * channels + c] & 0xFF) * a + b;
            }
        }
        return out;
    }

    /** {@code [N, C, H, W]} from same-size CHW float arrays. */
    public static org.nd4j.linalg.api.ndarray.INDArray batch(List<float[]> images, int channels, int height, int width) {
        int size = channels * height * width;
        float[] data = new float[images.size() * size];
        for (int i = 0; i < images.size(); i++) {
            float[] img = images.get(i);
            if (img.length != size) {
                throw new IllegalArgumentException("image " + i + " has " + img.length + " values, expected " + channels + "x"
                        + height + "x" + width);
            }
            System.arraycopy(img, 0, data, i * size, size);
        }
        return Nd4j.create(data, new long[] {images.size(), channels, height, width}, 'c');
    }
}
