package io.segpipe.model.crf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.predict.Segmenter;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * Time of the CRF per image at CamVid's size (360x480, 11 classes, the default 10 iterations)
 * beside the time of one network forward pass on an image of that size, measured in the same run
 * and both on one thread (a Spark task runs ND4J with one thread per task core, and the CRF
 * runs on the task's thread). The scene is a grid of 11 regions of distinct colours with colour
 * noise and a noisy probability map (30% of pixels flipped to another class). Prints medians
 * over 5 runs after 2 warm-up runs, wall clock and the thread's CPU time (which a loaded machine
 * distorts less), and checks that the CRF removes most of the flipped pixels.
 * Run: {@code mvn -B -o -pl model-defs test -Pslow -Dtest=DenseCrfBenchmarkTest}.
 */
@Tag("slow")
class DenseCrfBenchmarkTest {
    private static final int H = 360;
    private static final int W = 480;
    private static final int K = 11;
    private static final int WARM_UP = 2;
    private static final int RUNS = 5;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Test
    void timePerImageAtCamVidSize() {
        Random random = new Random(31);
        int pixels = H * W;
        int[][] colours = new int[K][3];
        for (int[] c : colours) {
            for (int j = 0; j < 3; j++) {
                c[j] = 30 + random.nextInt(200);
            }
        }
        byte[] rgb = new byte[pixels * 3];
        int[] truth = new int[pixels];
        float[] probabilities = new float[K * pixels];
        for (int p = 0; p < pixels; p++) {
            int y = p / W;
            int x = p % W;
            truth[p] = ((y / 90) * 4 + (x / 120) + (y / 45) % 2) % K;
            for (int j = 0; j < 3; j++) {
                long v = Math.round(colours[truth[p]][j] + 6 * random.nextGaussian());
                rgb[p * 3 + j] = (byte) Math.max(0, Math.min(255, v));
            }
            int likely = random.nextFloat() < 0.3f ? random.nextInt(K) : truth[p];
            for (int l = 0; l < K; l++) {
                probabilities[l * pixels + p] = (l == likely ? 0.5f : 0.5f / (K - 1));
            }
        }
        CrfImage image = CrfImage.interleaved(rgb, H, W, 3);
        CrfConfig config = CrfConfig.DEFAULT;
        DenseCrf crf = new DenseCrf(config);

        int[][] labels = new int[1][];
        double[] refine = time(() -> labels[0] = crf.refineLabels(probabilities, K, H, W, image));
        double[] lattices = time(() -> {
            PermutohedralLattice.of(CrfFeatures.appearance(image, config.thetaAlpha(), config.thetaBeta()), pixels, 5);
            PermutohedralLattice.of(CrfFeatures.smoothness(H, W, config.thetaGamma()), pixels, 2);
        });
        int appearancePoints = PermutohedralLattice.of(
                CrfFeatures.appearance(image, config.thetaAlpha(), config.thetaBeta()), pixels, 5).latticePoints();
        int smoothnessPoints = PermutohedralLattice.of(CrfFeatures.smoothness(H, W, config.thetaGamma()), pixels, 2).latticePoints();
        int wrongBefore = wrong(DenseCrf.argMax(probabilities, K, H, W), truth);
        int wrongAfter = wrong(labels[0], truth);
        System.out.printf(Locale.ROOT, "DenseCRF %dx%d, %d classes, %d iterations, one thread: %.0f ms wall, %.0f ms CPU per "
                        + "image (of which building the two lattices %.0f ms CPU; lattice points: appearance %d, smoothness %d); "
                        + "wrong pixels %d before, %d after%n",
                H, W, K, config.iterations(), refine[0], refine[1], lattices[1], appearancePoints, smoothnessPoints,
                wrongBefore, wrongAfter);

        Nd4jBackend.setThreads(1);
        for (SegmentationSpec spec : List.of(SegmentationSpec.builder(Architecture.SEGNET_BASIC, K).build(),
                SegmentationSpec.builder(Architecture.UNET, K).widthMultiplier(0.25).build())) {
            Segmenter segmenter = Segmenter.create(spec);
            INDArray input = Nd4j.rand(DataType.FLOAT, 1, 3, H, W);
            double[] forward = time(() -> segmenter.probabilities(input));
            System.out.printf(Locale.ROOT, "%s (width %.2f, %,d parameters) forward pass 1x3x%dx%d, one thread: %.0f ms wall, "
                            + "%.0f ms CPU; CRF / forward (CPU) = %.2f%n", spec.architecture(), spec.widthMultiplier(),
                    segmenter.network().numParams(), H, W, forward[0], forward[1], refine[1] / forward[1]);
        }
        assertTrue(wrongAfter < wrongBefore / 10, "the CRF left " + wrongAfter + " of " + wrongBefore + " wrong pixels");
    }

    /** Medians over the runs after warm-up of {wall, thread CPU} milliseconds. */
    private static double[] time(Runnable task) {
        long[] wall = new long[RUNS];
        long[] cpu = new long[RUNS];
        for (int run = -WARM_UP; run < RUNS; run++) {
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            task.run();
            if (run >= 0) {
                wall[run] = System.nanoTime() - start;
                cpu[run] = THREADS.getCurrentThreadCpuTime() - cpuStart;
            }
        }
        return new double[] {median(wall) / 1e6, median(cpu) / 1e6};
    }

    private static int wrong(int[] labels, int[] truth) {
        int wrong = 0;
        for (int p = 0; p < truth.length; p++) {
            if (labels[p] != truth[p]) {
                wrong++;
            }
        }
        return wrong;
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
