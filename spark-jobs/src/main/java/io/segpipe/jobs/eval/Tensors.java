package io.segpipe.jobs.eval;

import java.util.List;

import org.nd4j.linalg.factory.Nd4j;


/** Same-size planar images to one network input batch. */
public final class Tensors {

    private Tensors() {
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
