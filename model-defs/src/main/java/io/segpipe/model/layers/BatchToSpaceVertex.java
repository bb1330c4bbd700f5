package io.segpipe.model.layers;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Second half of atrous convolution by space-to-batch (see {@link Atrous}): the inverse of
 * {@link SpaceToBatchVertex}. Input 0 is the stack of {@code rate²} sub-images
 * {@code [rate²·N, C', h, w]}; input 1 is the image the stack was made from, which supplies N, H and
 * W and gets a zero gradient. The output {@code [N, C', H, W]} drops the bottom/right padding; the
 * gradient is the space-to-batch rearrangement of the output gradient, zero on the padding.
 */
public final class BatchToSpaceVertex extends ParameterlessVertex {
    private final int rate;

    @JsonCreator
    public BatchToSpaceVertex(@JsonProperty("rate") int rate) {
        if (rate < 1) {
            throw new IllegalArgumentException("rate must be >= 1, found " + rate);
        }
        this.rate = rate;
    }

    public int getRate() {
        return rate;
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
        return new BatchToSpaceVertexImpl(graph, name, idx, networkDatatype, rate);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        InputType.InputTypeConvolutional batch = convolutional(vertexInputs, 0);
        InputType.InputTypeConvolutional image = convolutional(vertexInputs, 1);
        if (batch.getHeight() != SpaceBatchLayout.blocks(image.getHeight(), rate)
                || batch.getWidth() != SpaceBatchLayout.blocks(image.getWidth(), rate)) {
            throw new InvalidInputTypeException(sizeMismatch(rate, batch.getHeight(), batch.getWidth(), image.getHeight(),
                    image.getWidth()));
        }
        return InputType.convolutional(image.getHeight(), image.getWidth(), batch.getChannels());
    }

    static String sizeMismatch(int rate, long h, long w, long imageH, long imageW) {
        return "sub-images of " + h + "x" + w + " do not tile a " + imageH + "x" + imageW + " image at rate " + rate
                + " (expected " + SpaceBatchLayout.blocks(imageH, rate) + "x" + SpaceBatchLayout.blocks(imageW, rate) + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchToSpaceVertex other && other.rate == rate;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(BatchToSpaceVertex.class, rate);
    }

    @Override
    public String toString() {
        return "BatchToSpaceVertex(rate=" + rate + ")";
    }
}
