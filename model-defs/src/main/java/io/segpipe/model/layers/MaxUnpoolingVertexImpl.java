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
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime side of {@link MaxUnpoolingVertex}, SegNet's index unpooling (Badrinarayanan, Kendall,
 * Cipolla, TPAMI 2017), built on libnd4j's pooling kernels so each pass is a few native loops over
 * the arrays (no strided views, no per-position masks).
 *
 * <p>Index unpooling is the gradient routing of max-pooling: {@code maxpool2d_bp} with the
 * pre-pooling activation as input and the decoder as "output gradient" writes every decoder value
 * at its window's argmax and zero elsewhere. libnd4j's kernel keeps the first strict maximum in
 * row-major order and skips the out-of-range pixels of Same-mode edge windows, the semantics
 * {@link MaxUnpoolingVertex} promises (MaxUnpoolingVertexTest pins them for the plain and the oneDNN
 * kernel). The backward pass routes the epsilon the other way: the same kernel with fours as the
 * decoder marks each argmax with 4, the mask times epsilon keeps one value per window, and
 * include-padding average pooling (sum / 4) returns it exactly.
 */
final class MaxUnpoolingVertexImpl extends ParameterlessVertexImpl {
    /** Pixels of a 2x2 window: the backward mask marks each argmax with it, which include-padding
     *  average pooling divides back out exactly (a power of two). */
    private static final double WINDOW_PIXELS = 4;

    MaxUnpoolingVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType);
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        requireRank4Inputs();
        checkSizes();
        INDArray decoder = inputs[0];
        INDArray prePool = inputs[1];
        boolean partial = coversPartially(decoder, prePool);
        // a Truncate-mode pool leaves the last row or column outside every window: it must stay zero
        INDArray out = partial
                ? workspaceMgr.create(ArrayType.ACTIVATIONS, decoder.dataType(), prePool.shape(), 'c')
                : workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, decoder.dataType(), prePool.shape(), 'c');
        routeToArgmax(covered(prePool, decoder), decoder, covered(out, decoder));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException(this + ": cannot do backward pass, epsilon not set");
        }
        INDArray decoder = inputs[0];
        INDArray prePool = covered(inputs[1], decoder);
        INDArray fours = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, epsilon.dataType(), decoder.shape(), 'c')
                .assign(WINDOW_PIXELS);
        INDArray routed = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, epsilon.dataType(), prePool.shape(), 'c');
        routeToArgmax(prePool, fours, routed);
        routed.muli(covered(epsilon, decoder));

        INDArray dDecoder = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), decoder.shape(), 'c');
        Nd4j.exec(pool2x2("avgpool2d", dDecoder, routed));
        return new Pair<>(null, new INDArray[] {dDecoder, zeroGradientFor(inputs[1], workspaceMgr)});
    }

    /** Writes each value of {@code values} at the argmax of its window of {@code prePool} into {@code out}, zero elsewhere. */
    private static void routeToArgmax(INDArray prePool, INDArray values, INDArray out) {
        Nd4j.exec(pool2x2("maxpool2d_bp", out, prePool, values));
    }

    /**
     * A 2x2, stride-2 libnd4j pooling op in Same mode, NCHW. On the covered region Same mode is the
     * exact window grid: even sizes need no padding, odd ones pad only the last row or column.
     * Average pooling divides by 4 in every window, partial or not (include-padding divisor).
     */
    private static DynamicCustomOp pool2x2(String op, INDArray output, INDArray... inputs) {
        int sameMode = 1;
        int includePaddingDivisor = 1;
        int nchw = 0;
        return DynamicCustomOp.builder(op)
                .addInputs(inputs)
                .addOutputs(output)
                .addIntegerArguments(2, 2, 2, 2, 0, 0, 1, 1, sameMode, includePaddingDivisor, nchw)
                .build();
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

    /** True when the windows of the decoder grid leave a last row or column of the pre-pooling size uncovered. */
    private static boolean coversPartially(INDArray decoder, INDArray prePool) {
        return 2 * decoder.size(2) < prePool.size(2) || 2 * decoder.size(3) < prePool.size(3);
    }

    /** The region of a pre-pooling-sized array that the decoder's windows cover (the whole array but for a Truncate pool). */
    private static INDArray covered(INDArray prePoolSized, INDArray decoder) {
        if (!coversPartially(decoder, prePoolSized)) {
            return prePoolSized;
        }
        return prePoolSized.get(all(), all(), interval(0, Math.min(2 * decoder.size(2), prePoolSized.size(2))),
                interval(0, Math.min(2 * decoder.size(3), prePoolSized.size(3))));
    }
}
