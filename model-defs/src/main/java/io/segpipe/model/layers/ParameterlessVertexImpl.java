package io.segpipe.model.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runtime side shared by segpipe's vertices: no parameters, no layer, and no mask propagation
 * (masks on image inputs do not survive a change of spatial layout).
 */
abstract class ParameterlessVertexImpl extends BaseGraphVertex {

    ParameterlessVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, null, null, dataType);
    }

    @Override
    public final boolean hasLayer() {
        return false;
    }

    @Override
    public final Layer getLayer() {
        return null;
    }

    @Override
    public final void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalStateException(getClass().getSimpleName() + " has no parameters, so no gradient view");
        }
    }

    @Override
    public final Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
            int minibatchSize) {
        return new Pair<>(null, currentMaskState);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(name=" + vertexName + ")";
    }

    /** Checks that forward inputs are set and each is a rank-4 array, naming this vertex otherwise. */
    final void requireRank4Inputs() {
        if (!canDoForward()) {
            throw new IllegalStateException(this + ": cannot do forward pass, inputs not set");
        }
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].rank() != 4) {
                throw new IllegalArgumentException(this + ": input " + i + " must be rank 4 [N,C,H,W], found shape "
                        + java.util.Arrays.toString(inputs[i].shape()));
            }
        }
    }

    /** Zero gradient for an input that only supplies a size (a reference input), in the gradient workspace. */
    final INDArray zeroGradientFor(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        return workspaceMgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
    }
}
