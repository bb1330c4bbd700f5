package io.segpipe.jobs.infer;

import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;

import io.segpipe.model.backend.HostArrays;

/** Same-size planar images to one network input batch; used for inference and training minibatches alike. */
public final class Tensors {

    private Tensors() {
    }

    /** {@code [N, C, H, W]} float from same-size CHW float arrays, in one memory copy ({@link HostArrays}). */
    public static INDArray batch(List<float[]> images, int channels, int height, int width) {
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
        return HostArrays.floats(data, images.size(), channels, height, width);
    }
}
