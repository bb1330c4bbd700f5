package io.segpipe.model.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;

/**
 * Configuration side shared by segpipe's vertices: no parameters, NCHW convolutional inputs only.
 * The immutable subclasses are their own clones.
 */
abstract class ParameterlessVertex extends GraphVertex {

    @Override
    public final long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public final GraphVertex clone() {
        return this;
    }

    @Override
    public final MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType output = getOutputType(-1, inputTypes);
        return new LayerMemoryReport.Builder(null, getClass(), inputTypes[0], output)
                .standardMemory(0, 0)
                .workingMemory(0, 0, 0, 0)
                .cacheMemory(0, 0)
                .build();
    }

    /** The input at {@code index} as an NCHW convolutional type, or an exception naming the vertex type. */
    final InputType.InputTypeConvolutional convolutional(InputType[] inputs, int index) {
        if (inputs.length < minVertexInputs() || inputs.length > maxVertexInputs()) {
            throw new InvalidInputTypeException(getClass().getSimpleName() + " takes " + minVertexInputs()
                    + (maxVertexInputs() != minVertexInputs() ? "-" + maxVertexInputs() : "") + " inputs, found "
                    + inputs.length);
        }
        if (!(inputs[index] instanceof InputType.InputTypeConvolutional conv)) {
            throw new InvalidInputTypeException(getClass().getSimpleName() + " input " + index
                    + " must be convolutional, found " + inputs[index]);
        }
        if (conv.getFormat() != CNN2DFormat.NCHW) {
            throw new InvalidInputTypeException(getClass().getSimpleName() + " input " + index
                    + " must be NCHW, found " + conv.getFormat());
        }
        return conv;
    }
}
