package io.segpipe.model.arch;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.Padding;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * U-Net: Ronneberger, Fischer, Brox, "U-Net: Convolutional Networks for Biomedical Image
 * Segmentation", MICCAI 2015. A contracting path of {@code depth} levels (two 3x3 convolutions,
 * then 2x2 max pooling, doubling the width each level), a bottleneck, and an expanding path that
 * up-samples by 2x2 transposed convolution, concatenates the skip of the same level and applies
 * two 3x3 convolutions; a 1x1 convolution gives the class scores.
 *
 * <p>Canonical widths are the paper's (64 at the first level); {@link SegmentationSpec#widthMultiplier()}
 * scales them. The paper places dropout at the end of the contracting path, as does this class.
 * With {@link Padding#SAME} (default) the output has the input's size whenever H and W are
 * multiples of 2^depth.
 */
public final class UNet {
    /** Width of the first level in the paper. */
    static final int CANONICAL_BASE_WIDTH = 64;

    private UNet() {
    }

    public static ComputationGraphConfiguration build(SegmentationSpec spec) {
        if (spec.architecture() != Architecture.UNET) {
            throw new IllegalArgumentException("UNet.build needs architecture UNET, found " + spec.architecture());
        }
        if (spec.padding() != Padding.SAME) {
            throw new IllegalArgumentException("padding VALID is not supported by UNet yet, found " + spec.padding());
        }
        GraphBuilder g = Blocks.graph(spec);
        String[] skips = new String[spec.depth()];
        String x = Blocks.INPUT;
        for (int level = 0; level < spec.depth(); level++) {
            skips[level] = doubleConv(g, spec, "down" + level, x, level);
            x = Blocks.maxPool(g, "down" + level + "_pool", skips[level]);
        }
        x = doubleConv(g, spec, "bottom", x, spec.depth());
        x = Blocks.dropout(g, spec, "bottom_dropout", x);
        for (int level = spec.depth() - 1; level >= 0; level--) {
            String up = Blocks.upConv(g, "up" + level + "_upconv", x, width(spec, level));
            String merged = Blocks.concat(g, "up" + level + "_concat", skips[level], up);
            x = doubleConv(g, spec, "up" + level, merged, level);
        }
        Blocks.classifier(g, spec, x);
        return g.build();
    }

    private static String doubleConv(GraphBuilder g, SegmentationSpec spec, String name, String in, int level) {
        String first = Blocks.convBnRelu(g, spec, name + "_conv1", in, width(spec, level), 3);
        return Blocks.convBnRelu(g, spec, name + "_conv2", first, width(spec, level), 3);
    }

    private static int width(SegmentationSpec spec, int level) {
        return spec.width(CANONICAL_BASE_WIDTH << level);
    }
}
