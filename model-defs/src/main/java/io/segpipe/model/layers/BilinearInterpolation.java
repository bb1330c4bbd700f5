package io.segpipe.model.layers;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bilinear resizing as two fixed linear maps, one per spatial axis: {@code out = Ry · X · Rwᵀ} per
 * image and channel, so the backward pass is {@code dX = Ryᵀ · dOut · Rw}. Each map is one GEMM
 * over all images and channels at once, which keeps resizing on the BLAS fast path.
 *
 * <p>Used by {@link BilinearResizeVertex} (with {@link Alignment#CORNERS}) and, through
 * {@link #resize}, by multi-scale inference (with {@link Alignment#HALF_PIXEL}).
 */
public final class BilinearInterpolation {
    private BilinearInterpolation() {
    }

    /** Where the output samples fall on the input grid. */
    public enum Alignment {
        /**
         * {@code align_corners=True}, as in TensorFlow DeepLab: the corner pixels of input and output
         * coincide, output index {@code i} samples input coordinate {@code i·(in−1)/(out−1)}.
         */
        CORNERS,
        /**
         * {@code align_corners=False}, the convention of PyTorch's and OpenCV's resize: pixel centres
         * map to pixel centres, output index {@code i} samples {@code (i+0.5)·in/out − 0.5}, clamped to
         * the image. Scaling an image and scaling its per-pixel predictions back keep centres aligned.
         */
        HALF_PIXEL
    }

    /**
     * {@code x} ({@code [N, C, H, W]}) resized to {@code outH x outW}: a new c-order array of
     * {@code x}'s data type, outside any workspace.
     */
    public static INDArray resize(INDArray x, long outH, long outW, Alignment alignment) {
        DataType type = x.dataType();
        INDArray rows = matrix(x.size(2), outH, type, alignment);
        INDArray colsT = matrix(x.size(3), outW, type, alignment).transpose();
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray out = Nd4j.createUninitialized(type, new long[] {x.size(0), x.size(1), outH, outW}, 'c');
            apply(x.dup('c'), rows, colsT, out, LayerWorkspaceMgr.noWorkspaces(), ArrayType.FF_WORKING_MEM);
            return out;
        }
    }

    /**
     * The {@code [out, in]} interpolation matrix of one axis (rows sum to 1), created outside any
     * workspace so it can be cached across iterations.
     */
    static INDArray matrix(long in, long out, DataType dataType, Alignment alignment) {
        double[] weights = new double[Math.toIntExact(out * in)];
        for (long i = 0; i < out; i++) {
            double source = source(i, in, out, alignment);
            long low = Math.min((long) Math.floor(source), in - 1);
            long high = Math.min(low + 1, in - 1);
            double fraction = source - low;
            weights[(int) (i * in + low)] += 1 - fraction;
            weights[(int) (i * in + high)] += fraction;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return Nd4j.create(weights, new long[] {out, in}, DataType.DOUBLE).castTo(dataType);
        }
    }

    /** The input coordinate output index {@code i} samples. */
    private static double source(long i, long in, long out, Alignment alignment) {
        return switch (alignment) {
            // multiply before dividing: exact source coordinates wherever they are whole numbers
            case CORNERS -> out > 1 ? (double) (i * (in - 1)) / (out - 1) : 0;
            case HALF_PIXEL -> Math.min(Math.max((i + 0.5) * ((double) in / out) - 0.5, 0), in - 1);
        };
    }

    /**
     * Writes {@code rows · x[n,c] · colsT} into {@code out[n,c]} for every image n and channel c.
     *
     * @param x {@code [N, C, H, W]}
     * @param rows {@code [Ho, H]}
     * @param colsT {@code [W, Wo]}
     * @param out {@code [N, C, Ho, Wo]}, c-order
     * @param workType workspace of the two intermediate arrays
     */
    static void apply(INDArray x, INDArray rows, INDArray colsT, INDArray out, LayerWorkspaceMgr workspaceMgr,
            ArrayType workType) {
        long planes = x.size(0) * x.size(1);
        long h = x.size(2);
        long w = x.size(3);
        long ho = rows.size(0);
        long wo = colsT.size(1);
        DataType type = out.dataType();

        // width: [planes*H, W] x [W, Wo]
        INDArray alongWidth = workspaceMgr.createUninitialized(workType, type, planes * h, wo);
        x.reshape('c', planes * h, w).mmuli(colsT, alongWidth);

        // height: bring H to the front so one GEMM covers every plane: [Ho, H] x [H, planes*Wo]
        INDArray heightFirst = workspaceMgr.createUninitialized(workType, type, h, planes, wo);
        heightFirst.assign(alongWidth.reshape('c', planes, h, wo).permute(1, 0, 2));
        INDArray alongHeight = workspaceMgr.createUninitialized(workType, type, ho, planes * wo);
        rows.mmuli(heightFirst.reshape('c', h, planes * wo), alongHeight);

        out.reshape('c', planes, ho, wo).assign(alongHeight.reshape('c', ho, planes, wo).permute(1, 0, 2));
    }
}
