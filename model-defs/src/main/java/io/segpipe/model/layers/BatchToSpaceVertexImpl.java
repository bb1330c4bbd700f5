package io.segpipe.model.layers;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runtime side of {@link BatchToSpaceVertex}. */
final class BatchToSpaceVertexImpl extends ParameterlessVertexImpl {
    private final int rate;

    BatchToSpaceVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType, int rate) {
        super(graph, name, vertexIndex, dataType);
        this.rate = rate;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        requireRank4Inputs();
        INDArray batch = inputs[0];
        INDArray image = inputs[1];
        checkSizes(batch, image);
        long n = image.size(0);
        long c = batch.size(1);
        long paddedH = batch.size(2) * rate;
        long paddedW = batch.size(3) * rate;
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, batch.dataType(),
                n, c, image.size(2), image.size(3));
        if (paddedH == image.size(2) && paddedW == image.size(3)) {
            SpaceBatchLayout.toSpace(batch, out, rate);
        } else {
            INDArray space = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, batch.dataType(),
                    n, c, paddedH, paddedW);
            SpaceBatchLayout.toSpace(batch, space, rate);
            out.assign(space.get(SpaceBatchLayout.topLeft(image.size(2), image.size(3))));
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException(this + ": cannot do backward pass, epsilon not set");
        }
        INDArray batch = inputs[0];
        INDArray image = inputs[1];
        long paddedH = batch.size(2) * rate;
        long paddedW = batch.size(3) * rate;
        INDArray space = epsilon;
        if (paddedH != image.size(2) || paddedW != image.size(3)) {
            space = workspaceMgr.create(ArrayType.BP_WORKING_MEM, epsilon.dataType(),
                    new long[] {image.size(0), epsilon.size(1), paddedH, paddedW}, 'c');
            space.get(SpaceBatchLayout.topLeft(image.size(2), image.size(3))).assign(epsilon);
        }
        INDArray dBatch = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), batch.shape());
        SpaceBatchLayout.toBatch(space, dBatch, rate);
        return new Pair<>(null, new INDArray[] {dBatch, zeroGradientFor(image, workspaceMgr)});
    }

    private void checkSizes(INDArray batch, INDArray image) {
        if (batch.size(0) != (long) rate * rate * image.size(0)) {
            throw new IllegalArgumentException(this + ": expected " + rate * rate + " sub-images per image, found "
                    + batch.size(0) + " for " + image.size(0) + " images");
        }
        if (batch.size(2) != SpaceBatchLayout.blocks(image.size(2), rate)
                || batch.size(3) != SpaceBatchLayout.blocks(image.size(3), rate)) {
            throw new IllegalArgumentException(this + ": " + BatchToSpaceVertex.sizeMismatch(rate,
                    batch.size(2), batch.size(3), image.size(2), image.size(3)));
        }
    }
}
