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
 * labels {@code [N, K, H, W]}, and optionally a per-pixel label mask {@code [N, 1, H, W]} holding
 * per-pixel loss weights, as U-Net's border weights set it) whose Java serialization is its image
 * floats, one class id per pixel and the mask's floats, if any.
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
    /** The label map the one-hot labels were built from, or null (then derived when serialized). */
    private final int[] ids;

    /**
     * @param features    {@code [N, C, H, W]} float
     * @param labels      {@code [N, K, H, W]} float one-hot; an all-zero vector marks an ignored pixel
     * @param ignoreLabel the id an ignored pixel is written as (any id outside {@code [0, K)})
     */
    public CompactMultiDataSet(INDArray features, INDArray labels, int ignoreLabel) {
        this(features, labels, ignoreLabel, null);
    }

    /**
     * From the label map itself: the one-hot labels are built once ({@link Labels#oneHot}) and the
     * ids are kept, so serializing never has to recover them from the one-hot array.
     *
     * @param features    {@code [N, C, H, W]} float
     * @param ids         {@code N * H * W} class ids in {@code [0, classes)} or {@code ignoreLabel}
     * @throws IllegalArgumentException for an id that is neither a class nor the ignore label
     */
    public static CompactMultiDataSet fromIds(INDArray features, int[] ids, int classes, int ignoreLabel) {
        return fromIds(features, ids, classes, ignoreLabel, null);
    }

    /**
     * As {@link #fromIds(INDArray, int[], int, int)}, with a per-pixel label mask: the losses weigh pixel p
     * by {@code mask_p} times its class weight ({@code io.segpipe.model.loss} package documentation).
     *
     * @param labelMask {@code N * H * W} per-pixel weights (the mask {@code [N, 1, H, W]}), or null for none
     */
    public static CompactMultiDataSet fromIds(INDArray features, int[] ids, int classes, int ignoreLabel,
                                              float[] labelMask) {
        INDArray labels = Labels.oneHot(ids, features.size(0), features.size(2), features.size(3), classes, ignoreLabel);
        if (labelMask != null && labelMask.length != ids.length) {
            throw new IllegalArgumentException("labelMask must have one value per pixel (" + ids.length + "), found "
                    + labelMask.length);
        }
        INDArray mask = labelMask == null ? null
                : HostArrays.floats(labelMask, features.size(0), 1, features.size(2), features.size(3));
        return new CompactMultiDataSet(features, labels, mask, ignoreLabel, ids);
    }

    private CompactMultiDataSet(INDArray features, INDArray labels, int ignoreLabel, int[] ids) {
        this(features, labels, null, ignoreLabel, ids);
    }

    private CompactMultiDataSet(INDArray features, INDArray labels, INDArray labelMask, int ignoreLabel, int[] ids) {
        super(new INDArray[] {features}, new INDArray[] {labels}, null,
                labelMask == null ? null : new INDArray[] {labelMask});
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
        this.ids = ids;
    }

    @Serial
    private Object writeReplace() throws ObjectStreamException {
        INDArray f = getFeatures(0);
        INDArray mask = getLabelsMaskArray(0);
        return new Form((int) f.size(1), (int) getLabels(0).size(1), (int) f.size(2), (int) f.size(3), ignoreLabel,
                contiguousFloats(f), ids != null ? ids : idsOf(getLabels(0)), mask == null ? null : contiguousFloats(mask));
    }

    /** The label map of one-hot labels {@code [N, K, H, W]}; an all-zero vector is the ignore label. */
    private int[] idsOf(INDArray labels) {
        int n = (int) labels.size(0);
        int classes = (int) labels.size(1);
        int plane = (int) (labels.size(2) * labels.size(3));
        float[] oneHot = contiguousFloats(labels);
        int[] out = new int[n * plane];
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
                out[i * plane + p] = id;
            }
        }
        return out;
    }

    /** The values in 'c' order, copied once when the array already is float and contiguous (as Batches makes it). */
    private static float[] contiguousFloats(INDArray a) {
        INDArray c = a.dataType() == DataType.FLOAT && a.ordering() == 'c' && !a.isView() ? a
                : a.castTo(DataType.FLOAT).dup('c');
        return c.data().asFloat();
    }

    /**
     * The serialized form: sizes, the image floats in NCHW order, the label map {@code [N, H, W]} and the
     * label mask {@code [N, 1, H, W]} (null for none).
     */
    private record Form(int channels, int classes, int height, int width, int ignoreLabel, float[] image, int[] ids,
                        float[] labelMask) implements Serializable {
        @Serial
        private Object readResolve() throws ObjectStreamException {
            int n = ids.length / (height * width);
            return fromIds(HostArrays.floats(image, n, channels, height, width), ids, classes, ignoreLabel, labelMask);
        }
    }
}
