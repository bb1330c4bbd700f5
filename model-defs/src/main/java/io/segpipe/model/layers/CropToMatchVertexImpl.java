package io.segpipe.model.layers;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;

/** Runtime side of {@link CropToMatchVertex}. */
final class CropToMatchVertexImpl extends ParameterlessVertexImpl {
    private final CropToMatchVertex conf;

    CropToMatchVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType,
            CropToMatchVertex conf) {
        super(graph, name, vertexIndex, dataType);
        this.conf = conf;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        requireRank4Inputs();
        INDArray x = inputs[0];
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(),
                x.size(0), x.size(1), inputs[1].size(2), inputs[1].size(3));
        return out.assign(x.get(window()));
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException(this + ": cannot do backward pass, epsilon not set");
        }
        INDArray dx = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), inputs[0].shape(), 'c');
        dx.get(window()).assign(epsilon);
        return new Pair<>(null, new INDArray[] {dx, zeroGradientFor(inputs[1], workspaceMgr)});
    }

    private INDArrayIndex[] window() {
        long h = inputs[1].size(2);
        long w = inputs[1].size(3);
        long[] offset;
        try {
            offset = conf.offsets(inputs[0].size(2), inputs[0].size(3), h, w);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(this + ": " + e.getMessage(), e);
        }
        return new INDArrayIndex[] {all(), all(), interval(offset[0], offset[0] + h), interval(offset[1], offset[1] + w)};
    }
}
