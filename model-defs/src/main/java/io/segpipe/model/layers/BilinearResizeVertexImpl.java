package io.segpipe.model.layers;

import static io.segpipe.model.layers.BilinearInterpolation.Alignment.CORNERS;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runtime side of {@link BilinearResizeVertex}. */
final class BilinearResizeVertexImpl extends ParameterlessVertexImpl {
    private final int scale;
    /** Interpolation matrices of the last size seen: training repeats one size, so they are built once. */
    private transient Matrices matrices;

    BilinearResizeVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType, int scale) {
        super(graph, name, vertexIndex, dataType);
        this.scale = scale;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        requireRank4Inputs();
        INDArray x = inputs[0];
        Matrices m = matrices(x);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(),
                x.size(0), x.size(1), m.rows.size(0), m.cols.size(0));
        BilinearInterpolation.apply(x, m.rows, m.cols.transpose(), out, workspaceMgr, ArrayType.FF_WORKING_MEM);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException(this + ": cannot do backward pass, epsilon not set");
        }
        INDArray x = inputs[0];
        Matrices m = matrices(x);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), x.shape());
        BilinearInterpolation.apply(epsilon, m.rows.transpose(), m.cols, dx, workspaceMgr, ArrayType.BP_WORKING_MEM);
        INDArray[] gradients = inputs.length == 1 ? new INDArray[] {dx}
                : new INDArray[] {dx, zeroGradientFor(inputs[1], workspaceMgr)};
        return new Pair<>(null, gradients);
    }

    private Matrices matrices(INDArray x) {
        long h = x.size(2);
        long w = x.size(3);
        long outH = scale == BilinearResizeVertex.MATCH_SECOND_INPUT ? inputs[1].size(2) : h * scale;
        long outW = scale == BilinearResizeVertex.MATCH_SECOND_INPUT ? inputs[1].size(3) : w * scale;
        Matrices m = matrices;
        if (m == null || m.rows.dataType() != x.dataType() || m.rows.size(0) != outH || m.rows.size(1) != h
                || m.cols.size(0) != outW || m.cols.size(1) != w) {
            m = new Matrices(BilinearInterpolation.matrix(h, outH, x.dataType(), CORNERS),
                    BilinearInterpolation.matrix(w, outW, x.dataType(), CORNERS));
            matrices = m;
        }
        return m;
    }

    /** {@code rows} is {@code [outH, H]}, {@code cols} is {@code [outW, W]}. */
    private record Matrices(INDArray rows, INDArray cols) {
    }
}
