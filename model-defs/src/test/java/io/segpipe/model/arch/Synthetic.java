package io.segpipe.model.arch;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.model.spec.SegmentationSpec;

/** Seeded synthetic images and labels whose class is a function of the image, so there is something to learn. */
public final class Synthetic {
    private Synthetic() {
    }

    public static INDArray images(SegmentationSpec spec, int n, int height, int width, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, n, spec.inputChannels(), height, width);
    }

    /**
     * Images and one-hot labels: the class of a pixel is its first channel's value v bucketed as
     * floor(K v^2), so classes are unevenly frequent (even a constant prediction can lower the
     * loss by learning the prior) and the rest is learnable from the pixel itself.
     */
    public static DataSet batch(SegmentationSpec spec, int n, int height, int width, long seed) {
        INDArray images = images(spec, n, height, width, seed);
        int k = spec.numClasses();
        INDArray classes = images.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(0)).mul(images.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(0))).mul(k).castTo(DataType.INT).castTo(DataType.FLOAT);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, n, k, height, width);
        for (int c = 0; c < k; c++) {
            labels.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(c))
                    .assign(classes.eq(c).castTo(DataType.FLOAT));
        }
        return new DataSet(images, labels);
    }
}
