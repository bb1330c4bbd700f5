package io.segpipe.model.arch;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

import io.segpipe.model.layers.Atrous;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * The ResNet backbone of DeepLab v2, v3 and v3+ (He, Zhang, Ren, Sun, "Deep Residual Learning for
 * Image Recognition", CVPR 2016), as torchvision builds it ({@code torchvision.models.resnet}, "v1.5":
 * the stride of a bottleneck sits in its 3x3 convolution), with torchvision's
 * {@code replace_stride_with_dilation} for DeepLab: to reach output stride 16 the last stage keeps
 * stride 1 and dilates its 3x3 convolutions by 2; for output stride 8 the last two stages dilate
 * by 2 and 4. As in torchvision, the first unit of a dilated stage still uses the previous
 * stage's rate and later units the new one. Dilated convolutions go through {@link Atrous}
 * (space-to-batch, ordinary convolution, batch-to-space), which keeps them on the oneDNN path.
 *
 * <p><b>Multi-Grid</b> (DeepLab v3, Chen et al. 2017, section 3.2; {@link SegmentationSpec#multiGrid()}):
 * the three units of the last stage get rates {@link Backbones#MULTI_GRID} times the stage's rate,
 * the first unit included, as the paper defines it ("the final atrous rate ... is equal to the
 * multiplication of the unit rate and the corresponding rate"): (2, 4, 8) at output stride 16.
 *
 * <p>Depths: 18 and 34 use basic units (two 3x3 convolutions), 50 and 101 bottlenecks (1x1, 3x3,
 * 1x1 with 4x expansion). Every convolution is followed by batch norm and has no bias.
 */
final class ResNet {
    /** Canonical widths of the four stages (bottleneck units output 4x these). */
    static final int[] STAGE_WIDTHS = {64, 128, 256, 512};
    static final int STEM_WIDTH = 64;
    static final int BOTTLENECK_EXPANSION = 4;

    private ResNet() {
    }

    /** Units per stage of the supported depths. */
    static int[] units(int depth) {
        return switch (depth) {
            case 18 -> new int[] {2, 2, 2, 2};
            case 34, 50 -> new int[] {3, 4, 6, 3};
            case 101 -> new int[] {3, 4, 23, 3};
            default -> throw new IllegalArgumentException("depth must be 18, 34, 50 or 101, found " + depth);
        };
    }

    static boolean bottleneck(int depth) {
        return depth >= 50;
    }

    /** Adds the stem and four stages on {@code in}; the output stride of the last stage is the spec's. */
    static Backbones.Features backbone(GraphBuilder g, SegmentationSpec spec, String in) {
        int depth = spec.depth();
        int[] units = units(depth);
        boolean bottleneck = bottleneck(depth);
        int expansion = bottleneck ? BOTTLENECK_EXPANSION : 1;
        String x = Blocks.convBn(g, "stem_conv", in, spec.width(STEM_WIDTH), 7, 2, 1, true);
        g.addLayer("stem_pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                .kernelSize(3, 3).stride(2, 2).convolutionMode(ConvolutionMode.Same).build(), x);
        x = "stem_pool";
        int channels = spec.width(STEM_WIDTH);
        int stride = 4;
        int rate = 1;
        String lowLevel = null;
        int lowLevelChannels = 0;
        for (int stage = 0; stage < STAGE_WIDTHS.length; stage++) {
            int width = spec.width(STAGE_WIDTHS[stage]);
            int out = width * expansion;
            int unitStride = stage == 0 ? 1 : 2;
            int previousRate = rate;
            if (unitStride == 2 && stride >= spec.outputStride()) {
                rate *= 2; // dilate instead of striding
                unitStride = 1;
            } else {
                stride *= unitStride;
            }
            boolean multiGrid = spec.multiGrid() && stage == STAGE_WIDTHS.length - 1;
            for (int unit = 0; unit < units[stage]; unit++) {
                String name = "layer" + (stage + 1) + "_" + unit;
                int s = unit == 0 ? unitStride : 1;
                int r = multiGrid ? rate * Backbones.MULTI_GRID[unit] : unit == 0 ? previousRate : rate;
                boolean project = unit == 0 && (s != 1 || channels != out);
                x = bottleneck
                        ? bottleneckUnit(g, name, x, width, out, s, r, project)
                        : basicUnit(g, name, x, width, s, r, project);
                channels = out;
            }
            if (stage == 0) {
                lowLevel = x;
                lowLevelChannels = channels;
            }
        }
        return new Backbones.Features(lowLevel, lowLevelChannels, x, channels);
    }

    /** Two 3x3 convolutions and the identity (or projected) shortcut. */
    private static String basicUnit(GraphBuilder g, String name, String in, int width, int stride, int rate, boolean project) {
        String x = Blocks.convBn(g, name + "_conv1", in, width, 3, stride, rate, true);
        x = Blocks.convBn(g, name + "_conv2", x, width, 3, 1, rate, false);
        return merge(g, name, in, x, width, stride, project);
    }

    /** 1x1 reduce, 3x3 (strided or dilated), 1x1 expand, and the shortcut. */
    private static String bottleneckUnit(GraphBuilder g, String name, String in, int width, int out, int stride, int rate,
                                         boolean project) {
        String x = Blocks.convBn(g, name + "_conv1", in, width, 1, 1, 1, true);
        x = Blocks.convBn(g, name + "_conv2", x, width, 3, stride, rate, true);
        x = Blocks.convBn(g, name + "_conv3", x, out, 1, 1, 1, false);
        return merge(g, name, in, x, out, stride, project);
    }

    private static String merge(GraphBuilder g, String name, String in, String residual, int out, int stride, boolean project) {
        String shortcut = project ? Blocks.convBn(g, name + "_downsample", in, out, 1, stride, 1, false) : in;
        return Blocks.relu(g, name + "_relu", Blocks.add(g, name + "_add", residual, shortcut));
    }
}
