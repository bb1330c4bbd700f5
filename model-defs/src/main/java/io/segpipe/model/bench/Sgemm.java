package io.segpipe.model.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The machine's practical arithmetic ceiling: single-precision matrix multiply through ND4J's
 * BLAS, the operation every convolution reduces to. Throughput figures are reported as a fraction
 * of this rate, measured in the same run, so they are comparable across noisy shared machines.
 */
public final class Sgemm {

    private Sgemm() {
    }

    /**
     * Best GFLOP/s of {@code trials} timed runs of C = A x B with n x n float matrices, each
     * trial repeating the product for at least {@code secondsPerTrial}.
     */
    public static double gflops(int n, int trials, double secondsPerTrial) {
        INDArray a = Nd4j.rand(DataType.FLOAT, 'f', n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, 'f', n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, new long[] {n, n}, 'f');
        double flopsPerProduct = 2.0 * n * n * n;
        for (int i = 0; i < 3; i++) {
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0); // warm up threads and caches
        }
        double best = 0;
        for (int trial = 0; trial < trials; trial++) {
            long start = System.nanoTime();
            long deadline = start + (long) (secondsPerTrial * 1e9);
            int products = 0;
            do {
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
                products++;
            } while (System.nanoTime() < deadline);
            double seconds = (System.nanoTime() - start) / 1e9;
            best = Math.max(best, products * flopsPerProduct / seconds / 1e9);
        }
        return best;
    }
}
