package io.segpipe.model.layers;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Bilinear resizing with a gradient, the up-sampling of DeepLab v3 and v3+ (Chen et al., "Rethinking
 * Atrous Convolution for Semantic Image Segmentation", 2017; "Encoder-Decoder with Atrous Separable
 * Convolution for Semantic Image Segmentation", ECCV 2018). ND4J's {@code resize_bilinear} has no
 * gradient; this vertex computes the resize as fixed interpolation matrices (see
 * {@link BilinearInterpolation}), so both passes are GEMMs.
 *
 * <p>Two modes:
 * <ul>
 *   <li>{@link #toMatchSecondInput()}: two inputs; resizes input 0 to the height and width of input 1
 *       (for example the low-level features in the v3+ decoder, or the network input for the final
 *       up-sampling), so any input size works. Input 1 only supplies its size and gets a zero gradient.</li>
 *   <li>{@link #byScale(int)}: one input; output size is {@code scale·H × scale·W}.</li>
 * </ul>
 * Convention: {@code align_corners=True} as in TensorFlow DeepLab (corner pixels coincide).
 */
public final class BilinearResizeVertex extends ParameterlessVertex {
    /** {@link #getScale()} of the resize-to-match mode. */
    public static final int MATCH_SECOND_INPUT = 0;

    private final int scale;

    @JsonCreator
    private BilinearResizeVertex(@JsonProperty("scale") int scale) {
        if (scale < 0) {
            throw new IllegalArgumentException("scale must be >= 1, or " + MATCH_SECOND_INPUT
                    + " to match the second input, found " + scale);
        }
        this.scale = scale;
    }

    /** Resizes input 0 to the spatial size of input 1. */
    public static BilinearResizeVertex toMatchSecondInput() {
        return new BilinearResizeVertex(MATCH_SECOND_INPUT);
    }

    /** Up-samples its single input by an integer factor per axis. */
    public static BilinearResizeVertex byScale(int scale) {
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be >= 1, found " + scale);
        }
        return new BilinearResizeVertex(scale);
    }

    /** The up-sampling factor, or {@link #MATCH_SECOND_INPUT}. */
    public int getScale() {
        return scale;
    }

    @Override
    public int minVertexInputs() {
        return scale == MATCH_SECOND_INPUT ? 2 : 1;
    }

    @Override
    public int maxVertexInputs() {
        return minVertexInputs();
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new BilinearResizeVertexImpl(graph, name, idx, networkDatatype, scale);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        InputType.InputTypeConvolutional in = convolutional(vertexInputs, 0);
        if (scale == MATCH_SECOND_INPUT) {
            InputType.InputTypeConvolutional reference = convolutional(vertexInputs, 1);
            return InputType.convolutional(reference.getHeight(), reference.getWidth(), in.getChannels());
        }
        return InputType.convolutional(in.getHeight() * scale, in.getWidth() * scale, in.getChannels());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BilinearResizeVertex other && other.scale == scale;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(scale) + 31 * BilinearResizeVertex.class.hashCode();
    }

    @Override
    public String toString() {
        return scale == MATCH_SECOND_INPUT ? "BilinearResizeVertex(toMatchSecondInput)"
                : "BilinearResizeVertex(scale=" + scale + ")";
    }
}
