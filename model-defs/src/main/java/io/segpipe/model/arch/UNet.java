package io.segpipe.model.arch;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;

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
 *
 * <p>Padding:
 * <ul>
 *   <li>{@link Padding#SAME} (default): every convolution keeps its input's size, the output has
 *       the input's size whenever H and W are multiples of 2^depth.</li>
 *   <li>{@link Padding#VALID}, the paper's: unpadded convolutions lose a 1-pixel border each,
 *       every skip is centre-cropped to the up-sampled map before concatenation, and the output is
 *       smaller than the input by {@link #validShrink(int)} (184 pixels at depth 4: the paper's
 *       572 -> 388). Only sizes {@code 2^d (b + 4) + 4 (2^d - 1)}, b >= 1, pool evenly at every
 *       level ({@link #validInputSize(int, int)}); the {@link io.segpipe.model.predict.Segmenter}
 *       tiles an image the paper's way, mirroring it by the margin so the output covers it.</li>
 * </ul>
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
        boolean valid = spec.padding() == Padding.VALID;
        if (valid && spec.hasFixedInputSize()) {
            requireValidSize("inputHeight", spec.inputHeight(), spec.depth());
            requireValidSize("inputWidth", spec.inputWidth(), spec.depth());
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
            String skip = valid ? Blocks.centreCropToMatch(g, "up" + level + "_skip_crop", skips[level], up) : skips[level];
            String merged = Blocks.concat(g, "up" + level + "_concat", skip, up);
            x = doubleConv(g, spec, "up" + level, merged, level);
        }
        Blocks.classifier(g, spec, x);
        return g.build();
    }

    /**
     * The output size of a valid-padding U-Net of {@code depth} levels for an input size, or -1 if
     * the input does not pool evenly at every level (or is too small).
     */
    public static int validOutputSize(int input, int depth) {
        int size = input;
        for (int level = 0; level < depth; level++) {
            size -= 4;
            if (size < 2 || size % 2 != 0) {
                return -1;
            }
            size /= 2;
        }
        size -= 4; // bottleneck
        if (size < 1) {
            return -1;
        }
        for (int level = 0; level < depth; level++) {
            size = 2 * size - 4;
        }
        return size;
    }

    /** How much smaller than its input a valid-padding U-Net's output is: {@code 12 * 2^depth - 8}. */
    public static int validShrink(int depth) {
        return 12 * (1 << depth) - 8;
    }

    /** The smallest input size whose valid-padding output is at least {@code output} pixels. */
    public static int validInputSize(int output, int depth) {
        int scale = 1 << depth;
        int bottom = Math.max(1, Math.floorDiv(output + 4 * (scale - 1) + scale - 1, scale)); // ceil
        return scale * (bottom + 4) + 4 * (scale - 1);
    }

    private static void requireValidSize(String field, int size, int depth) {
        if (validOutputSize(size, depth) < 0) {
            int below = size;
            while (below > 0 && validOutputSize(below, depth) < 0) {
                below--;
            }
            throw new IllegalArgumentException(field + " must pool evenly at every level of a VALID U-Net of depth "
                    + depth + " (sizes 2^d (b + 4) + 4 (2^d - 1)), found " + size + "; nearest valid: "
                    + (below > 0 ? below + " or " : "") + validInputSize(validOutputSize(below, depth) + 1, depth));
        }
    }

    private static String doubleConv(GraphBuilder g, SegmentationSpec spec, String name, String in, int level) {
        ConvolutionMode mode = spec.padding() == Padding.VALID ? ConvolutionMode.Truncate : ConvolutionMode.Same;
        String first = Blocks.convBnRelu(g, spec.batchNorm(), name + "_conv1", in, width(spec, level), 3, mode);
        return Blocks.convBnRelu(g, spec.batchNorm(), name + "_conv2", first, width(spec, level), 3, mode);
    }

    private static int width(SegmentationSpec spec, int level) {
        return spec.width(CANONICAL_BASE_WIDTH << level);
    }
}
