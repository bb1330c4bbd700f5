package io.segpipe.model.arch;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.nd4j.linalg.activations.Activation;

import io.segpipe.model.layers.DenseBlock;
import io.segpipe.model.layers.LinearConvolution;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * FC-DenseNet ("Tiramisu"): Jégou, Drozdzal, Vazquez, Romero, Bengio, "The One Hundred Layers
 * Tiramisu: Fully Convolutional DenseNets for Semantic Segmentation", CVPR Workshops 2017, following
 * the authors' Lasagne reference (SimJeg/FC-DenseNet, {@code FC-DenseNet.py}).
 *
 * <p>A 3x3 convolution to 48 channels; a down path of 5 dense blocks, each followed by a transition
 * down; a bottleneck dense block; an up path of 5 transitions up, each followed by a dense block; a
 * 1x1 convolution to the class scores and the softmax. (Paper, Table 1 and Fig. 1.)
 * <ul>
 *   <li><b>Dense block</b> of n layers with growth rate k: each layer is batch norm, ReLU, a 3x3
 *       convolution to k channels and dropout, applied to the channel concatenation of the block's
 *       input and every earlier layer's output; the block outputs that concatenation, its input
 *       plus n·k channels.</li>
 *   <li><b>Transition down</b>: batch norm, ReLU, a 1x1 convolution keeping the channel count,
 *       dropout, 2x2 max pooling. The block's output before it is the skip of that level.</li>
 *   <li><b>Transition up</b>: a 3x3 transposed convolution with stride 2 applied <em>only to the
 *       new feature maps of the dense block below</em> (n·k channels, not the block's input: the
 *       paper's remedy for the feature-map explosion of the up path), concatenated with the skip.</li>
 * </ul>
 *
 * <p>The paper's configurations, selected by {@link SegmentationSpec#depth()} (the paper's name):
 * FC-DenseNet56 (4 layers per block, k = 12), FC-DenseNet67 (5 layers per block, k = 16) and
 * FC-DenseNet103 (4, 5, 7, 10, 12 layers down, 15 in the bottleneck, 12, 10, 7, 5, 4 up, k = 16).
 * {@link SegmentationSpec#widthMultiplier()} scales k and the first convolution's 48.
 *
 * <p>Batch norm is always on (the paper's design; the spec's {@code batchNorm} is ignored). Every
 * convolution has a bias, as in the reference (batch norm comes <em>before</em> each convolution,
 * and the new feature maps of a block reach the transposed convolution unnormalised). Dropout is
 * the spec's {@code dropout} after every dense-block and transition-down convolution; the paper
 * uses 0.2 (conf/models/fc-densenet*.conf set it). The transposed convolution pads "same" so it
 * doubles a size exactly, where the reference's "valid" one is centre-cropped to the skip: inputs
 * must be multiples of 2^5 = 32 ({@link Architectures#tiling} pads them).
 *
 * <p>Trade-off: few parameters (1.4M, 3.5M, 9.3M) but many small layers, each normalising the whole
 * growing concatenation of its block. Each dense block is one {@link DenseBlock} layer that keeps
 * one concatenation and recomputes batch norm in backprop (Pleiss et al. 2017), so a block's memory
 * grows with its length, not with its square.
 */
public final class FcDenseNet {
    /** Channels of the first 3x3 convolution in the paper. */
    static final int FIRST_CONV_WIDTH = 48;
    /** Transitions down (and up) in every configuration: inputs must be multiples of 2^5. */
    public static final int POOLING_STEPS = 5;

    private FcDenseNet() {
    }

    /** Layers per dense block (5 down, the bottleneck, 5 up) of FC-DenseNet{@code depth}. */
    static int[] layersPerBlock(int depth) {
        return switch (depth) {
            case 56 -> new int[] {4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4};
            case 67 -> new int[] {5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5};
            case 103 -> new int[] {4, 5, 7, 10, 12, 15, 12, 10, 7, 5, 4};
            default -> throw new IllegalArgumentException("depth must be 56, 67 or 103 for FC_DENSENET, found " + depth);
        };
    }

    /** The growth rate k of FC-DenseNet{@code depth} in the paper. */
    static int growthRate(int depth) {
        layersPerBlock(depth); // validates
        return depth == 56 ? 12 : 16;
    }

    public static ComputationGraphConfiguration build(SegmentationSpec spec) {
        if (spec.architecture() != Architecture.FC_DENSENET) {
            throw new IllegalArgumentException("FcDenseNet.build needs architecture FC_DENSENET, found " + spec.architecture());
        }
        int[] layers = layersPerBlock(spec.depth());
        int growth = spec.width(growthRate(spec.depth()));
        GraphBuilder g = Blocks.graph(spec);
        String x = conv(g, "conv0", Blocks.INPUT, spec.width(FIRST_CONV_WIDTH), 3);
        long channels = spec.width(FIRST_CONV_WIDTH);
        String[] skips = new String[POOLING_STEPS];
        long[] skipChannels = new long[POOLING_STEPS];
        for (int level = 0; level < POOLING_STEPS; level++) {
            skips[level] = denseBlock(g, spec, "down" + level, x, channels, layers[level], growth, false);
            channels += (long) layers[level] * growth;
            skipChannels[level] = channels;
            x = transitionDown(g, spec, "td" + level, skips[level], channels);
        }
        String newMaps = denseBlock(g, spec, "bottleneck", x, channels, layers[POOLING_STEPS], growth, true);
        for (int level = POOLING_STEPS - 1; level >= 0; level--) {
            int upBlock = 2 * POOLING_STEPS - level; // index in layers of the up block at this level
            int upChannels = layers[upBlock - 1] * growth;
            String up = transitionUp(g, "tu" + level, newMaps, upChannels);
            String merged = Blocks.concat(g, "tu" + level + "_concat", up, skips[level]);
            x = denseBlock(g, spec, "up" + level, merged, upChannels + skipChannels[level], layers[upBlock], growth, level > 0);
            newMaps = x;
        }
        Blocks.lossOutput(g, spec, Blocks.scores(g, spec, "scores", x, 1));
        return g.build();
    }

    /**
     * n layers of batch norm, ReLU, 3x3 convolution to {@code growth} channels and dropout, each on the
     * concatenation of the block's input and all earlier layers' outputs, as one memory-efficient
     * {@link DenseBlock} layer named {@code name}. It outputs that concatenation, or with
     * {@code newMapsOnly} the layers' outputs alone (what the up path up-samples).
     */
    static String denseBlock(GraphBuilder g, SegmentationSpec spec, String name, String in, long inChannels, int n, int growth,
            boolean newMapsOnly) {
        g.addLayer(name, new DenseBlock(inChannels, n, growth, spec.dropout(), newMapsOnly), in);
        return name;
    }

    /** Batch norm, ReLU, 1x1 convolution keeping {@code channels}, dropout, 2x2 max pooling. */
    static String transitionDown(GraphBuilder g, SegmentationSpec spec, String name, String in, long channels) {
        String bn = Blocks.batchNorm(g, name + "_bn", in, true);
        String out = Blocks.dropout(g, spec, name + "_drop", conv(g, name + "_conv", bn, channels, 1));
        return Blocks.maxPool(g, name + "_pool", out);
    }

    /** 3x3 transposed convolution with stride 2 (exactly doubling the size), linear, with bias. */
    static String transitionUp(GraphBuilder g, String name, String in, int nOut) {
        g.addLayer(name, new Deconvolution2D.Builder(3, 3).stride(2, 2)
                .nOut(nOut)
                .convolutionMode(ConvolutionMode.Same)
                .activation(Activation.IDENTITY)
                .build(), in);
        return name;
    }

    /** kxk convolution with bias and no activation (batch norm and ReLU come before it). */
    private static String conv(GraphBuilder g, String name, String in, long nOut, int kernel) {
        g.addLayer(name, new LinearConvolution.Builder(kernel, kernel).nOut(nOut).build(), in);
        return name;
    }
}
