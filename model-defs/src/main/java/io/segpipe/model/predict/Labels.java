package io.segpipe.model.predict;

import java.util.Objects;

import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.model.spec.SegmentationSpec;

/**
 * Label maps in the form the networks train on: the inverse of {@link Segmenter#argMax}. A label
 * map {@code [N, H, W]} of class ids becomes one-hot labels {@code [N, K, H, W]}; pixels of the
 * spec's ignore label (for example CamVid void = 11) get an all-zero label vector, which segpipe's
 * losses ({@code io.segpipe.model.loss}) count as ignored: no loss, no gradient.
 */
public final class Labels {
    private Labels() {
    }

    /**
     * @param labelMap {@code [N, H, W]} integer class ids in [0, K) or the ignore label
     * @return {@code [N, K, H, W]} float one-hot labels
     * @throws IllegalArgumentException for a label that is neither a class nor the ignore label
     */
    public static INDArray oneHot(INDArray labelMap, SegmentationSpec spec) {
        return oneHot(labelMap, spec.numClasses(), spec.loss().ignoreLabel());
    }

    /**
     * @param labelMap {@code [N, H, W]} integer class ids in [0, k) or {@code ignore}
     * @return {@code [N, k, H, W]} float one-hot labels, all-zero at {@code ignore}
     * @throws IllegalArgumentException for a label that is neither a class nor {@code ignore}
     */
    public static INDArray oneHot(INDArray labelMap, int k, int ignore) {
        Objects.requireNonNull(labelMap, "labelMap");
        if (labelMap.rank() != 3) {
            throw new IllegalArgumentException("labelMap must be [N, H, W], found " + java.util.Arrays.toString(labelMap.shape()));
        }
        int[] ids = labelMap.castTo(DataType.INT).dup('c').data().asInt();
        return oneHot(ids, labelMap.size(0), labelMap.size(1), labelMap.size(2), k, ignore);
    }

    /**
     * @param ids {@code n * height * width} class ids in [0, k) or {@code ignore}, image by image, row by row
     * @return {@code [n, k, height, width]} float one-hot labels, all-zero at {@code ignore}
     * @throws IllegalArgumentException for a label that is neither a class nor {@code ignore}
     */
    public static INDArray oneHot(int[] ids, long n, long height, long width, int k, int ignore) {
        long plane = height * width;
        if (ids.length != n * plane) {
            throw new IllegalArgumentException(ids.length + " label ids for " + n + " maps of " + height + "x" + width);
        }
        // Written straight into the (zeroed, off-heap) result: a float[] of K times the label map
        // per minibatch would be the largest allocation on the executors' heap.
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, n, k, height, width);
        FloatIndexer out = (FloatIndexer) oneHot.data().indexer();
        for (int p = 0; p < ids.length; p++) {
            int id = ids[p];
            if (id == ignore) {
                continue;
            }
            if (id < 0 || id >= k) {
                throw new IllegalArgumentException("label " + id + " at flat index " + p + " is neither a class in [0, "
                        + k + ") nor the ignore label " + ignore);
            }
            long image = p / plane;
            long pixel = p % plane;
            out.put((image * k + id) * plane + pixel, 1f);
        }
        return oneHot;
    }
}
