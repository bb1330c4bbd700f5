package io.segpipe.jobs.eval;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bilinear resizing of {@code [N, C, H, W]} arrays for multi-scale inference, as two GEMMs with
 * fixed interpolation matrices (one per axis). Half-pixel centres ({@code align_corners=False}, the
 * convention of PyTorch's and OpenCV's resize), so scaling an image and scaling the probabilities
 * back keep pixel centres aligned.
 */
final class Resize {

    private Resize() {
    }

    /** {@code x} resized to {@code outH x outW}; float output, c-order. */
    static INDArray bilinear(INDArray x, long outH, long outW) {
        long n = x.size(0);
        long c = x.size(1);
        long h = x.size(2);
        long w = x.size(3);
        INDArray src = x.castTo(DataType.FLOAT).dup('c');
        // width: [N*C*H, W] x [W, Wo]
        INDArray alongW = src.reshape('c', n * c * h, w).mmul(matrix(w, outW).transpose());
        // height: [Ho, H] x [H, N*C*Wo]
        INDArray heightFirst = alongW.reshape('c', n * c, h, outW).permute(1, 0, 2).dup('c').reshape('c', h, n * c * outW);
        INDArray alongH = matrix(h, outH).mmul(heightFirst);
        return alongH.reshape('c', outH, n * c, outW).permute(1, 0, 2).dup('c').reshape('c', n, c, outH, outW);
    }

    /** The {@code [out, in]} interpolation matrix of one axis (rows sum to 1). */
    static INDArray matrix(long in, long out) {
        float[] weights = new float[Math.toIntExact(out * in)];
        double ratio = (double) in / out;
        for (long i = 0; i < out; i++) {
            double source = Math.min(Math.max((i + 0.5) * ratio - 0.5, 0), in - 1);
            long low = (long) Math.floor(source);
            long high = Math.min(low + 1, in - 1);
            double fraction = source - low;
            weights[(int) (i * in + low)] += (float) (1 - fraction);
            weights[(int) (i * in + high)] += (float) fraction;
        }
        return Nd4j.create(weights, new long[] {out, in}, 'c');
    }
}
