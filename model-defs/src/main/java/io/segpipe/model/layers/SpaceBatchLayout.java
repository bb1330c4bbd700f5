package io.segpipe.model.layers;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;

/**
 * The rearrangement behind atrous convolution by space-to-batch (TensorFlow's
 * {@code space_to_batch_nd}): an image {@code [N, C, r·h, r·w]} becomes {@code r²} sub-images
 * {@code [r²·N, C, h, w]}, sub-image {@code (a, b)} holding the pixels at rows {@code a, a+r, …} and
 * columns {@code b, b+r, …}, at batch index {@code (a·r + b)·N + n}. Both directions are a reshape
 * and one permuted copy, each the exact inverse of the other, so each is the other's gradient.
 */
final class SpaceBatchLayout {
    private SpaceBatchLayout() {
    }

    /** Size of one sub-image axis: the image axis padded up to a multiple of the rate, divided by it. */
    static long blocks(long size, int rate) {
        return (size + rate - 1) / rate;
    }

    /**
     * Copies {@code space [N, C, r·h, r·w]} (c-order) into {@code batch [r²·N, C, h, w]} (c-order).
     */
    static void toBatch(INDArray space, INDArray batch, int rate) {
        long n = space.size(0);
        long c = space.size(1);
        long h = space.size(2) / rate;
        long w = space.size(3) / rate;
        // space as [n, c, i, a, j, b] -> batch as [a, b, n, c, i, j]
        batch.reshape('c', rate, rate, n, c, h, w)
                .assign(space.reshape('c', n, c, h, rate, w, rate).permute(3, 5, 0, 1, 2, 4));
    }

    /** The inverse of {@link #toBatch}: {@code batch [r²·N, C, h, w]} into {@code space [N, C, r·h, r·w]}. */
    static void toSpace(INDArray batch, INDArray space, int rate) {
        long n = space.size(0);
        long c = space.size(1);
        long h = batch.size(2);
        long w = batch.size(3);
        // batch as [a, b, n, c, i, j] -> space as [n, c, i, a, j, b]
        space.reshape('c', n, c, h, rate, w, rate)
                .assign(batch.reshape('c', rate, rate, n, c, h, w).permute(2, 3, 4, 0, 5, 1));
    }

    /** The top-left {@code h × w} window: the image inside its bottom/right padding. */
    static INDArrayIndex[] topLeft(long h, long w) {
        return new INDArrayIndex[] {all(), all(), interval(0, h), interval(0, w)};
    }
}
