package io.segpipe.model.layers;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Crops input 0 to the height and width of input 1: FCN's skip fusion and final output crop (Long,
 * Shelhamer, Darrell, "Fully Convolutional Networks for Semantic Segmentation", CVPR 2015, whose
 * Caffe {@code Crop} layer this mirrors) and U-Net's valid-padding skip connections (Ronneberger et
 * al., "U-Net", MICCAI 2015). Because the target size is read from input 1 at run time, any input
 * size works. Input 1 only supplies its size and gets a zero gradient; the gradient of input 0 is
 * the output gradient zero-padded back to the uncropped size.
 *
 * <p>The crop window starts at a fixed {@code (top, left)} offset, as in the FCN reference models
 * (offsets 5, 9, 19, 31 for VGG16 with its 100-pixel first padding), or is centred (U-Net): top is
 * {@code floor((H0 − H1) / 2)}, likewise left.
 */
public final class CropToMatchVertex extends ParameterlessVertex {
    private final boolean centred;
    private final int top;
    private final int left;

    @JsonCreator
    private CropToMatchVertex(@JsonProperty("centred") boolean centred, @JsonProperty("top") int top,
            @JsonProperty("left") int left) {
        if (top < 0) {
            throw new IllegalArgumentException("top must be >= 0, found " + top);
        }
        if (left < 0) {
            throw new IllegalArgumentException("left must be >= 0, found " + left);
        }
        if (centred && (top != 0 || left != 0)) {
            throw new IllegalArgumentException("a centred crop has no offset, found top=" + top + ", left=" + left);
        }
        this.centred = centred;
        this.top = top;
        this.left = left;
    }

    /** Crops the centre of input 0 (U-Net). */
    public static CropToMatchVertex centred() {
        return new CropToMatchVertex(true, 0, 0);
    }

    /** Crops input 0 starting at row {@code top}, column {@code left} (FCN). */
    public static CropToMatchVertex atOffset(int top, int left) {
        return new CropToMatchVertex(false, top, left);
    }

    public boolean isCentred() {
        return centred;
    }

    public int getTop() {
        return top;
    }

    public int getLeft() {
        return left;
    }

    @Override
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new CropToMatchVertexImpl(graph, name, idx, networkDatatype, this);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        InputType.InputTypeConvolutional in = convolutional(vertexInputs, 0);
        InputType.InputTypeConvolutional reference = convolutional(vertexInputs, 1);
        try {
            offsets(in.getHeight(), in.getWidth(), reference.getHeight(), reference.getWidth());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputTypeException(e.getMessage());
        }
        return InputType.convolutional(reference.getHeight(), reference.getWidth(), in.getChannels());
    }

    /**
     * The {@code {top, left}} offset of an {@code h × w} window in an {@code inH × inW} input.
     *
     * @throws IllegalArgumentException if the window does not fit
     */
    long[] offsets(long inH, long inW, long h, long w) {
        long t = centred ? (inH - h) / 2 : top;
        long l = centred ? (inW - w) / 2 : left;
        if (h + t > inH || w + l > inW || t < 0 || l < 0) {
            throw new IllegalArgumentException("cannot crop " + h + "x" + w + " at offset (" + t + ", " + l
                    + ") from a " + inH + "x" + inW + " input");
        }
        return new long[] {t, l};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CropToMatchVertex other && other.centred == centred && other.top == top
                && other.left == left;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(CropToMatchVertex.class, centred, top, left);
    }

    @Override
    public String toString() {
        return centred ? "CropToMatchVertex(centred)" : "CropToMatchVertex(top=" + top + ", left=" + left + ")";
    }
}
