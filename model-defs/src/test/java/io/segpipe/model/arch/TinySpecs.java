package io.segpipe.model.arch;

import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * The smallest useful spec of each architecture, for fast tests: the canonical topology at 1/16
 * of the paper's widths (U-Net and DeepLab also at reduced depth), so a forward and backward pass
 * takes milliseconds on two cores while every vertex of the real network is present.
 */
public final class TinySpecs {
    /**
     * ND4J threads for tests of tiny networks: their layers are too small to gain from a second
     * OpenMP thread, and on a shared 2-core machine spinning OpenMP threads of concurrent test
     * JVMs made these tests 3-6x slower than with one thread (measured: the SegNet matrix in
     * 25 s with 2 threads, 7 s with 1, same load).
     */
    public static final int THREADS = 1;

    private TinySpecs() {
    }

    public static SegmentationSpec.Builder builder(Architecture architecture, int numClasses) {
        SegmentationSpec.Builder b = SegmentationSpec.builder(architecture, numClasses)
                .widthMultiplier(1.0 / 16).seed(7);
        return switch (architecture) {
            case UNET -> b.depth(2);
            case DEEPLAB_V3, DEEPLAB_V3_PLUS -> b.depth(18);
            default -> b;
        };
    }

    public static SegmentationSpec of(Architecture architecture, int numClasses) {
        return builder(architecture, numClasses).build();
    }

    /**
     * Input sizes (height, width) the network itself maps to an output of the same size, without
     * the {@link io.segpipe.model.predict.Segmenter}'s padding. For FCN they include sizes that
     * are not multiples of 32.
     */
    public static int[][] nativeSizes(SegmentationSpec spec) {
        return switch (spec.architecture()) {
            case FCN32S, FCN16S, FCN8S -> new int[][] {{32, 32}, {45, 70}, {37, 33}};
            case UNET -> new int[][] {{16, 16}, {24, 40}};
            case SEGNET, SEGNET_BASIC -> new int[][] {{32, 32}, {48, 64}, {45, 70}};
            case DEEPLAB_V3, DEEPLAB_V3_PLUS -> new int[][] {{32, 32}, {48, 64}, {45, 70}};
        };
    }
}
