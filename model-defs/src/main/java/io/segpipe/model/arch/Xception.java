package io.segpipe.model.arch;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

import io.segpipe.model.layers.Atrous;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * Aligned Xception-65, the backbone of DeepLab v3+ (Chen, Zhu, Papandreou, Schroff, Adam,
 * "Encoder-Decoder with Atrous Separable Convolution for Semantic Image Segmentation", ECCV 2018,
 * section 3.2 and Fig. 4), after Chollet's Xception (CVPR 2017) and the deeper "aligned" version of
 * Dai et al. (COCO 2017 entry), as the TensorFlow reference ({@code xception_65} of
 * {@code tensorflow/models research/deeplab}) defines it:
 *
 * <ul>
 *   <li>stem: 3x3 convolution to 32 with stride 2, 3x3 convolution to 64;</li>
 *   <li>entry flow: three modules of 128, 256 and 728 channels, each three separable convolutions,
 *       the last with stride 2, and a 1x1 strided convolution as shortcut;</li>
 *   <li>middle flow: sixteen modules of three 728-channel separable convolutions with identity
 *       shortcuts (Chollet's Xception has eight: "more layers", change 1 of the paper);</li>
 *   <li>exit flow: a module of 728, 1024, 1024 channels (stride 2, convolution shortcut), then three
 *       separable convolutions of 1536, 1536, 2048 channels without shortcut.</li>
 * </ul>
 *
 * Every max pooling of Chollet's Xception is a separable convolution with stride 2 (change 2), so
 * that atrous convolution can replace the stride: once the spec's output stride is reached, a
 * module keeps stride 1 and later modules run at twice the rate, as the reference's
 * {@code stack_blocks_dense} does (output stride 16: the exit flow's last three convolutions at
 * rate 2; output stride 8: the middle flow at 2 and the last three at 4). Atrous depthwise
 * convolutions go through {@link Atrous} (space-to-batch) like every atrous convolution here.
 * With {@link SegmentationSpec#multiGrid()} the last three convolutions take the Multi-Grid rates.
 *
 * <p>Each separable convolution is {@link Blocks#separableConvBn}: depthwise 3x3, batch norm and
 * ReLU (change 3: "extra batch normalization and ReLU activation are added after each 3x3
 * depthwise convolution"), pointwise 1x1, batch norm. Where the reference puts ReLU: before each
 * separable convolution of the entry, middle and first exit module (pre-activation; the module's
 * output is the sum, not rectified), after each of the last three. A pre-activation that follows a
 * batch norm is fused into it ({@link io.segpipe.model.layers.BatchNormRelu}); only a module's
 * first one, whose input also feeds the shortcut, is its own vertex. The v3+ decoder's low-level
 * features are the second separable convolution of the second entry module (stride 4, 256
 * channels), after its pre-activation ReLU (the reference takes them just before it).
 */
final class Xception {
    /** Entry flow modules: all three convolutions of a module have the same width. */
    static final int[] ENTRY_WIDTHS = {128, 256, 728};
    static final int MIDDLE_WIDTH = 728;
    static final int MIDDLE_MODULES = 16;
    static final int[] EXIT_MODULE_WIDTHS = {728, 1024, 1024};
    static final int[] EXIT_CONV_WIDTHS = {1536, 1536, 2048};
    /** Entry module whose second convolution gives the decoder's low-level features. */
    static final int LOW_LEVEL_MODULE = 1;
    private static final int[] NO_MULTI_GRID = {1, 1, 1};

    private Xception() {
    }

    /** How a module's input reaches its output besides the three separable convolutions. */
    private enum Shortcut { CONVOLUTION, IDENTITY }

    /** Adds Xception-65 on {@code in}; its features have the spec's output stride. */
    static Backbones.Features backbone(GraphBuilder g, SegmentationSpec spec, String in) {
        Strides strides = new Strides(spec.outputStride());
        String x = Blocks.convBn(g, "entry_conv1", in, spec.width(32), 3, strides.next(2), 1, true);
        x = Blocks.convBn(g, "entry_conv2", x, spec.width(64), 3, 1, 1, true);
        String lowLevel = null;
        boolean rectified = true; // the stem ends in ReLU: the first module needs no pre-activation
        for (int i = 0; i < ENTRY_WIDTHS.length; i++) {
            int w = spec.width(ENTRY_WIDTHS[i]);
            int rate = strides.rate();
            Module m = module(g, "entry" + (i + 1), x, rectified, new int[] {w, w, w}, strides.next(2), rate,
                    NO_MULTI_GRID, Shortcut.CONVOLUTION);
            if (i == LOW_LEVEL_MODULE) {
                lowLevel = m.second();
            }
            x = m.output();
            rectified = false;
        }
        int middle = spec.width(MIDDLE_WIDTH);
        for (int i = 0; i < MIDDLE_MODULES; i++) {
            int rate = strides.rate();
            x = module(g, "middle" + (i + 1), x, false, new int[] {middle, middle, middle}, strides.next(1), rate,
                    NO_MULTI_GRID, Shortcut.IDENTITY).output();
        }
        int rate = strides.rate();
        x = module(g, "exit1", x, false, widths(spec, EXIT_MODULE_WIDTHS), strides.next(2), rate, NO_MULTI_GRID,
                Shortcut.CONVOLUTION).output();
        x = exitConvolutions(g, spec, x, strides.rate());
        return new Backbones.Features(lowLevel, spec.width(ENTRY_WIDTHS[LOW_LEVEL_MODULE]), x,
                spec.width(EXIT_CONV_WIDTHS[EXIT_CONV_WIDTHS.length - 1]));
    }

    /** The names of a module's output and of its second separable convolution. */
    private record Module(String output, String second) {
    }

    /**
     * Three separable convolutions, the last with {@code stride}, pre-activated, plus the shortcut.
     *
     * @param rectified {@code in} is already a ReLU output, so it needs no pre-activation
     */
    private static Module module(GraphBuilder g, String name, String in, boolean rectified, int[] widths, int stride,
                                 int rate, int[] unitRates, Shortcut shortcut) {
        String x = rectified ? in : Blocks.relu(g, name + "_relu", in);
        String second = null;
        for (int i = 0; i < 3; i++) {
            boolean last = i == 2;
            // the ReLU before the next convolution is fused into this one's last batch norm
            x = Blocks.separableConvBn(g, name + "_sep" + (i + 1), x, widths[i], 3, last ? stride : 1,
                    rate * unitRates[i], !last);
            if (i == 1) {
                second = x;
            }
        }
        String skip = shortcut == Shortcut.IDENTITY ? in
                : Blocks.convBn(g, name + "_shortcut", in, widths[2], 1, stride, 1, false);
        return new Module(Blocks.add(g, name + "_add", x, skip), second);
    }

    /** The exit flow's last three separable convolutions, each ending in ReLU, no shortcut. */
    private static String exitConvolutions(GraphBuilder g, SegmentationSpec spec, String in, int rate) {
        int[] unitRates = spec.multiGrid() ? Backbones.MULTI_GRID : NO_MULTI_GRID;
        String x = in;
        for (int i = 0; i < EXIT_CONV_WIDTHS.length; i++) {
            x = Blocks.separableConvBn(g, "exit2_sep" + (i + 1), x, spec.width(EXIT_CONV_WIDTHS[i]), 3, 1,
                    rate * unitRates[i], true);
        }
        return x;
    }

    private static int[] widths(SegmentationSpec spec, int[] canonical) {
        int[] w = new int[canonical.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = spec.width(canonical[i]);
        }
        return w;
    }

    /**
     * The reference's {@code stack_blocks_dense} bookkeeping: a module strides until the output
     * stride is reached; from then on it keeps stride 1, runs at the current rate, and multiplies
     * the rate of the modules after it by the stride it gave up.
     */
    private static final class Strides {
        private final int outputStride;
        private int stride = 1;
        private int rate = 1;

        Strides(int outputStride) {
            this.outputStride = outputStride;
        }

        /** The rate of the next module. */
        int rate() {
            return rate;
        }

        /** The stride the next module takes, given the one it would take. */
        int next(int nominal) {
            if (stride >= outputStride) {
                rate *= nominal;
                return 1;
            }
            stride *= nominal;
            return nominal;
        }
    }
}
