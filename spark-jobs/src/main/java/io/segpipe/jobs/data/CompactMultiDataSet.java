package io.segpipe.jobs.data;

import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import io.segpipe.model.backend.HostArrays;
import io.segpipe.model.predict.Labels;

/**
 * A segmentation training minibatch (one input: features {@code [N, C, H, W]}; one output: one-hot
 * labels {@code [N, K, H, W]}) whose Java serialization is its image floats and one class id per
 * pixel.
 *
 * <p>Why: DL4J's training masters persist and split each epoch's minibatches through Spark's
 * serializer (as MultiDataSets, which is why this is one). ND4J serializes an array one element at a time through a {@code DataOutputStream}
 * (a profile of a CamVid epoch spent more CPU there than in the network), and one-hot labels are
 * K times the size of the label map. This class writes a {@link Form} instead, bulk primitive
 * arrays that Java serialization copies in blocks, and reading it builds the arrays again with
 * {@link Labels#oneHot}'s encoding: an all-zero label vector is the ignore label.
 */
public final class CompactMultiDataSet extends MultiDataSet {
    @Serial
    private static final long serialVersionUID = 1L;

    private final int ignoreLabel;

    /**
     * @param features    {@code [N, C, H, W]} float
     * @param labels      {@code [N, K, H, W]} float one-hot; an all-zero vector marks an ignored pixel
     * @param ignoreLabel the id an ignored pixel is written as (any id outside {@code [0, K)})
     */
    public CompactMultiDataSet(INDArray features, INDArray labels, int ignoreLabel) {
        super(features, labels);
        if (features.rank() != 4 || labels.rank() != 4 || features.size(0) != labels.size(0)
                || features.size(2) != labels.size(2) || features.size(3) != labels.size(3)) {
            throw new IllegalArgumentException("features [N, C, H, W] and labels [N, K, H, W] must agree, found "
                    + features.shapeInfoToString() + " and " + labels.shapeInfoToString());
        }
        if (ignoreLabel >= 0 && ignoreLabel < labels.size(1)) {
            throw new IllegalArgumentException("ignore label " + ignoreLabel + " is one of the " + labels.size(1)
                    + " classes");
        }
        this.ignoreLabel = ignoreLabel;
    }

    @Serial
    private Object writeReplace() throws ObjectStreamException {
        INDArray f = getFeatures(0);
        INDArray l = getLabels(0);
        int n = (int) f.size(0);
        int classes = (int) l.size(1);
        int height = (int) f.size(2);
        int width = (int) f.size(3);
        float[] image = contiguousFloats(f);
        float[] oneHot = contiguousFloats(l);
        int plane = height * width;
        int[] ids = new int[n * plane];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < plane; p++) {
                int id = ignoreLabel;
                for (int k = 0; k < classes; k++) {
                    float v = oneHot[(i * classes + k) * plane + p];
                    if (v == 1f && id == ignoreLabel) {
                        id = k;
                    } else if (v != 0f) {
                        throw new IllegalStateException("labels of image " + i + " are not one-hot at pixel " + p
                                + " (class " + k + " = " + v + ")");
                    }
                }
                ids[i * plane + p] = id;
            }
        }
        return new Form((int) f.size(1), classes, height, width, ignoreLabel, image, ids);
    }

    /** The values in 'c' order, copied once when the array already is float and contiguous (as Batches makes it). */
    private static float[] contiguousFloats(INDArray a) {
        INDArray c = a.dataType() == DataType.FLOAT && a.ordering() == 'c' && !a.isView() ? a
                : a.castTo(DataType.FLOAT).dup('c');
        return c.data().asFloat();
    }

    /** The serialized form: sizes, the image floats in NCHW order and the label map {@code [N, H, W]}. */
    private record Form(int channels, int classes, int height, int width, int ignoreLabel, float[] image, int[] ids)
            implements Serializable {
        @Serial
        private Object readResolve() throws ObjectStreamException {
            int n = ids.length / (height * width);
            INDArray features = HostArrays.floats(image, n, channels, height, width);
            return new CompactMultiDataSet(features, Labels.oneHot(ids, n, height, width, classes, ignoreLabel),
                    ignoreLabel);
        }
    }
}
