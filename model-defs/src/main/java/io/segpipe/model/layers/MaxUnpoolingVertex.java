package io.segpipe.model.layers;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;

/**
 * SegNet's up-sampling with the encoder's max-pooling indices (Badrinarayanan, Kendall, Cipolla,
 * "SegNet: A Deep Convolutional Encoder-Decoder Architecture for Image Segmentation", TPAMI 2017):
 * sparse and not learned. Every decoder value is placed at the position where the matching encoder
 * 2x2, stride-2 max-pooling window had its maximum; every other position is zero.
 *
 * <p>DL4J vertices output one array, so pooling cannot hand its indices over. Instead this vertex
 * takes two inputs, the decoder features {@code [N, C, h, w]} and the encoder's activation
 * <em>before</em> pooling {@code [N, C, H, W]}, and recomputes the argmax of each window, first
 * maximum in row-major order on ties, which is the index max-pooling would have recorded. The output
 * has the pre-pooling size {@code [N, C, H, W]}. For odd H or W the decoder may be
 * {@code ceil(H/2)} (a Same-mode pool, whose last windows hold only the in-range pixels) or
 * {@code floor(H/2)} (a Truncate-mode pool, the uncovered last row or column stays zero).
 *
 * <p>The gradient flows to the decoder input only, gathered back from the argmax positions; the
 * encoder activation gets a zero gradient through this vertex, as indices carry none.
 */
public final class MaxUnpoolingVertex extends ParameterlessVertex {

    @JsonCreator
    public MaxUnpoolingVertex() {
        // 2x2 windows with stride 2, as in SegNet; nothing to configure
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
        return new MaxUnpoolingVertexImpl(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        InputType.InputTypeConvolutional decoder = convolutional(vertexInputs, 0);
        InputType.InputTypeConvolutional prePool = convolutional(vertexInputs, 1);
        try {
            checkSizes(decoder.getChannels(), decoder.getHeight(), decoder.getWidth(), prePool.getChannels(),
                    prePool.getHeight(), prePool.getWidth());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputTypeException(e.getMessage());
        }
        return InputType.convolutional(prePool.getHeight(), prePool.getWidth(), prePool.getChannels());
    }

    /** The decoder must have the pooled size of the pre-pooling activation and its channels. */
    static void checkSizes(long channels, long h, long w, long prePoolChannels, long prePoolH, long prePoolW) {
        if (channels != prePoolChannels) {
            throw new IllegalArgumentException("decoder channels must equal the pre-pooling channels, found "
                    + channels + " and " + prePoolChannels);
        }
        if (h != prePoolH / 2 && h != (prePoolH + 1) / 2 || w != prePoolW / 2 && w != (prePoolW + 1) / 2) {
            throw new IllegalArgumentException("decoder size " + h + "x" + w + " is not the 2x2/stride-2 pooled size of "
                    + prePoolH + "x" + prePoolW);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MaxUnpoolingVertex;
    }

    @Override
    public int hashCode() {
        return MaxUnpoolingVertex.class.hashCode();
    }

    @Override
    public String toString() {
        return "MaxUnpoolingVertex(2x2, stride 2)";
    }
}
