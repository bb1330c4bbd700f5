package io.segpipe.model.layers;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runtime side of {@link SpaceToBatchVertex}. */
final class SpaceToBatchVertexImpl extends ParameterlessVertexImpl {
    private final int rate;

    SpaceToBatchVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType, int rate) {
        super(graph, name, vertexIndex, dataType);
        this.rate = rate;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        requireRank4Inputs();
        INDArray x = inputs[0];
        long n = x.size(0);
        long c = x.size(1);
        long h = SpaceBatchLayout.blocks(x.size(2), rate);
        long w = SpaceBatchLayout.blocks(x.size(3), rate);
        INDArray space = x;
        if (h * rate != x.size(2) || w * rate != x.size(3)) {
            space = workspaceMgr.create(ArrayType.FF_WORKING_MEM, x.dataType(), new long[] {n, c, h * rate, w * rate}, 'c');
            space.get(SpaceBatchLayout.topLeft(x.size(2), x.size(3))).assign(x);
        }
        INDArray batch = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), rate * rate * n, c, h, w);
        SpaceBatchLayout.toBatch(space, batch, rate);
        return batch;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException(this + ": cannot do backward pass, epsilon not set");
        }
        INDArray x = inputs[0];
        long paddedH = epsilon.size(2) * rate;
        long paddedW = epsilon.size(3) * rate;
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), x.shape());
        if (paddedH == x.size(2) && paddedW == x.size(3)) {
            SpaceBatchLayout.toSpace(epsilon, dx, rate);
        } else {
            INDArray space = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, epsilon.dataType(),
                    x.size(0), x.size(1), paddedH, paddedW);
            SpaceBatchLayout.toSpace(epsilon, space, rate);
            dx.assign(space.get(SpaceBatchLayout.topLeft(x.size(2), x.size(3))));
        }
        return new Pair<>(null, new INDArray[] {dx});
    }
}
