package io.segpipe.model.layers;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * First half of atrous convolution by space-to-batch (see {@link Atrous}): zero-pads the image at
 * the bottom and right to multiples of the rate and splits it into {@code rate²} sub-images stacked
 * in the batch dimension, {@code [N, C, H, W] → [rate²·N, C, ceil(H/rate), ceil(W/rate)]} (layout in
 * {@link SpaceBatchLayout}). Unlike DL4J's {@code SpaceToBatchLayer} it accepts any H and W and has
 * an exact inverse, {@link BatchToSpaceVertex}. The gradient is the inverse rearrangement with the
 * padding dropped.
 */
public final class SpaceToBatchVertex extends ParameterlessVertex {
    private final int rate;

    @JsonCreator
    public SpaceToBatchVertex(@JsonProperty("rate") int rate) {
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
        return 1;
    }

    @Override
    public int maxVertexInputs() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new SpaceToBatchVertexImpl(graph, name, idx, networkDatatype, rate);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        InputType.InputTypeConvolutional in = convolutional(vertexInputs, 0);
        return InputType.convolutional(SpaceBatchLayout.blocks(in.getHeight(), rate),
                SpaceBatchLayout.blocks(in.getWidth(), rate), in.getChannels());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpaceToBatchVertex other && other.rate == rate;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(SpaceToBatchVertex.class, rate);
    }

    @Override
    public String toString() {
        return "SpaceToBatchVertex(rate=" + rate + ")";
    }
}
