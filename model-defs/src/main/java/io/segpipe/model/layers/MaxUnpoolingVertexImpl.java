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
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Runtime side of {@link MaxUnpoolingVertex}. Works on the four strided views of a 2x2 grid, one
 * per window position, so every step is a whole-array ND4J op rather than a loop over pixels.
 */
final class MaxUnpoolingVertexImpl extends ParameterlessVertexImpl {
    /** Window positions in row-major order: the order that decides ties. */
    private static final int[][] POSITIONS = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};

    MaxUnpoolingVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType);
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        requireRank4Inputs();
        checkSizes();
        INDArray decoder = inputs[0];
        INDArray prePool = inputs[1];
        INDArray[] winners = winners(prePool, decoder.size(2), decoder.size(3), workspaceMgr, ArrayType.FF_WORKING_MEM);
        INDArray grid = gridArray(decoder, workspaceMgr, ArrayType.FF_WORKING_MEM);
        for (int k = 0; k < POSITIONS.length; k++) {
            grid.get(position(k, decoder)).assign(decoder).muli(winners[k]);
        }
        INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, decoder.dataType(), prePool.shape(), 'c');
        INDArrayIndex[] overlap = overlap(decoder, prePool);
        out.get(overlap).assign(grid.get(overlap));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException(this + ": cannot do backward pass, epsilon not set");
        }
        INDArray decoder = inputs[0];
        INDArray prePool = inputs[1];
        INDArray[] winners = winners(prePool, decoder.size(2), decoder.size(3), workspaceMgr, ArrayType.BP_WORKING_MEM);
        INDArray gridGradient = gridArray(decoder, workspaceMgr, ArrayType.BP_WORKING_MEM).assign(0);
        INDArrayIndex[] overlap = overlap(decoder, prePool);
        gridGradient.get(overlap).assign(epsilon.get(overlap));

        INDArray dDecoder = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), decoder.shape(), 'c');
        for (int k = 0; k < POSITIONS.length; k++) {
            dDecoder.addi(gridGradient.get(position(k, decoder)).mul(winners[k]));
        }
        return new Pair<>(null, new INDArray[] {dDecoder, zeroGradientFor(prePool, workspaceMgr)});
    }

    /**
     * One 0/1 array per window position, {@code [N, C, h, w]}: 1 where that position holds the
     * window's first maximum. Out-of-range positions of partial windows are padded with −∞, so they
     * never win against the in-range pixel that every window has at position (0, 0).
     */
    private static INDArray[] winners(INDArray prePool, long h, long w, LayerWorkspaceMgr workspaceMgr,
            ArrayType workType) {
        INDArray padded = workspaceMgr.createUninitialized(workType, prePool.dataType(),
                prePool.size(0), prePool.size(1), 2 * h, 2 * w);
        padded.assign(Double.NEGATIVE_INFINITY);
        INDArrayIndex[] overlap = overlap(h, w, prePool);
        padded.get(overlap).assign(prePool.get(overlap));

        INDArray[] values = new INDArray[POSITIONS.length];
        for (int k = 0; k < POSITIONS.length; k++) {
            values[k] = padded.get(position(k, h, w));
        }
        INDArray max = Transforms.max(Transforms.max(values[0], values[1], true), Transforms.max(values[2], values[3], true), false);
        INDArray stillOpen = max.ulike().assign(1); // 1 until an earlier position has won the window
        INDArray[] winners = new INDArray[POSITIONS.length];
        for (int k = 0; k < POSITIONS.length; k++) {
            winners[k] = values[k].eq(max).castTo(prePool.dataType()).muli(stillOpen);
            stillOpen.subi(winners[k]);
        }
        return winners;
    }

    private void checkSizes() {
        try {
            MaxUnpoolingVertex.checkSizes(inputs[0].size(1), inputs[0].size(2), inputs[0].size(3),
                    inputs[1].size(1), inputs[1].size(2), inputs[1].size(3));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(this + ": " + e.getMessage(), e);
        }
        if (inputs[0].size(0) != inputs[1].size(0)) {
            throw new IllegalArgumentException(this + ": decoder and pre-pooling minibatch sizes differ, "
                    + inputs[0].size(0) + " and " + inputs[1].size(0));
        }
    }

    /** The full 2h x 2w grid of all windows, pre-pooling size rounded to the windows. */
    private static INDArray gridArray(INDArray decoder, LayerWorkspaceMgr workspaceMgr, ArrayType workType) {
        return workspaceMgr.createUninitialized(workType, decoder.dataType(),
                decoder.size(0), decoder.size(1), 2 * decoder.size(2), 2 * decoder.size(3));
    }

    private static INDArrayIndex[] position(int k, INDArray decoder) {
        return position(k, decoder.size(2), decoder.size(3));
    }

    /** Strided view of window position k across all windows of an {@code h x w} pooled grid. */
    private static INDArrayIndex[] position(int k, long h, long w) {
        return new INDArrayIndex[] {all(), all(), everySecond(POSITIONS[k][0], h), everySecond(POSITIONS[k][1], w)};
    }

    /** {@code count} indices from {@code first} in steps of 2; end-inclusive because ND4J M2.1 mis-sizes
     *  exclusive strided intervals whose end lies within one stride of the start. */
    private static INDArrayIndex everySecond(long first, long count) {
        return interval(first, 2, first + 2 * (count - 1), true);
    }

    private static INDArrayIndex[] overlap(INDArray decoder, INDArray prePool) {
        return overlap(decoder.size(2), decoder.size(3), prePool);
    }

    /** The region both the window grid and the pre-pooling activation cover. */
    private static INDArrayIndex[] overlap(long h, long w, INDArray prePool) {
        return new INDArrayIndex[] {all(), all(), interval(0, Math.min(2 * h, prePool.size(2))),
                interval(0, Math.min(2 * w, prePool.size(3)))};
    }
}
