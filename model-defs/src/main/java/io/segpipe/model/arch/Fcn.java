package io.segpipe.model.arch;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * FCN-32s, FCN-16s and FCN-8s: Long, Shelhamer, Darrell, "Fully Convolutional Networks for
 * Semantic Segmentation", CVPR 2015, on the VGG16 backbone (Simonyan and Zisserman 2015).
 *
 * <ul>
 *   <li>Backbone: VGG16's 13 3x3 convolutions in 5 stages, each ending in 2x2 max pooling;
 *       fc6 and fc7 as convolutions (7x7 to 4096, 1x1 to 4096), each with ReLU and dropout
 *       (the paper's 0.5 when the spec's dropout is set).</li>
 *   <li>Class scores: 1x1 convolutions on fc7 ({@code score_fr}) and, for the skips, on pool4
 *       and pool3, <b>initialised to zero</b> (paper section 4.2), so training starts from
 *       the coarser net's prediction.</li>
 *   <li>Skip fusion: the coarser scores are up-sampled 2x by a transposed convolution
 *       <b>initialised to bilinear interpolation and learned</b>, cropped to the skip's size and
 *       added element-wise.</li>
 *   <li>Output: the final 32x / 16x / 8x up-sampling is a transposed convolution <b>fixed to
 *       bilinear interpolation</b> (frozen: its weights never change in training), cropped to
 *       the input size.</li>
 * </ul>
 *
 * <p><b>Padding: a deliberate departure from the reference implementation.</b> The Caffe
 * reference pads conv1_1 by 100 pixels so that fc6's unpadded 7x7 convolution still has an input
 * for small images, then crops every fused map with hand-computed offsets (5, 9, 19, 31). That
 * wastes computation (a 360x480 image is convolved as 560x680, 2.2x the pixels) and ties the
 * offsets to that one padding. Here every convolution pads "same" (fc6 by 3), pooling rounds
 * up, and every transposed convolution of factor f (kernel 2f, stride f) pads by f/2. Then a
 * score map of stride s has {@code ceil(H/s)} rows whose pixel i is centred on image row
 * {@code s*i + (s-1)/2}, each up-sampling maps that grid exactly onto the finer one, and all
 * crops keep the top-left corner: no offsets, any input size, and the same parameter count as
 * the paper's network (padding has no parameters). The trade-off: fc6 sees zero padding
 * beyond the image border instead of the reference's 100-pixel zero margin at conv1; with
 * weights trained from scratch this makes no difference, but ImageNet fc6 weights converted from
 * VGG16 expect the reference's geometry.
 *
 * <p>Batch norm after each convolution is the spec's choice; the paper has none
 * ({@code batchNorm(false)} gives the paper's network; with it, from-scratch training converges
 * much faster).
 */
public final class Fcn {
    /** VGG16: convolutions per stage and their canonical widths. */
    static final int[] VGG16_CONVS = {2, 2, 3, 3, 3};
    static final int[] VGG16_WIDTHS = {64, 128, 256, 512, 512};
    /** Canonical width of fc6 and fc7. */
    static final int FC_WIDTH = 4096;

    private Fcn() {
    }

    public static ComputationGraphConfiguration build(SegmentationSpec spec) {
        Architecture a = spec.architecture();
        if (a != Architecture.FCN32S && a != Architecture.FCN16S && a != Architecture.FCN8S) {
            throw new IllegalArgumentException("Fcn.build needs architecture FCN32S, FCN16S or FCN8S, found " + a);
        }
        GraphBuilder g = Blocks.graph(spec);
        int k = spec.numClasses();
        String[] pools = new String[VGG16_CONVS.length];
        String x = Blocks.INPUT;
        for (int stage = 0; stage < VGG16_CONVS.length; stage++) {
            String conv = Blocks.convStage(g, spec, "conv" + (stage + 1), x, VGG16_CONVS[stage], spec.width(VGG16_WIDTHS[stage]), 3);
            pools[stage] = Blocks.maxPool(g, "pool" + (stage + 1), conv);
            x = pools[stage];
        }
        x = Blocks.convBnRelu(g, spec, "fc6", x, spec.width(FC_WIDTH), 7);
        x = Blocks.dropout(g, spec, "drop6", x);
        x = Blocks.convBnRelu(g, spec, "fc7", x, spec.width(FC_WIDTH), 1);
        x = Blocks.dropout(g, spec, "drop7", x);
        String scores = Blocks.zeroScores(g, spec, "score_fr", x);
        int stride = 32;
        if (a == Architecture.FCN16S || a == Architecture.FCN8S) {
            scores = fuse(g, spec, "pool4", scores, pools[3]);
            stride = 16;
        }
        if (a == Architecture.FCN8S) {
            scores = fuse(g, spec, "pool3", scores, pools[2]);
            stride = 8;
        }
        String up = Blocks.bilinearUpsampling(g, "upscore" + stride, scores, k, stride, false);
        String cropped = Blocks.cropToMatch(g, "upscore" + stride + "_crop", up, Blocks.INPUT);
        Blocks.lossOutput(g, spec, cropped);
        return g.build();
    }

    /** Up-samples {@code scores} 2x (learned, bilinear start), adds the zero-initialised scores of {@code skip}. */
    private static String fuse(GraphBuilder g, SegmentationSpec spec, String skipName, String scores, String skip) {
        String up = Blocks.bilinearUpsampling(g, "upscore2_" + skipName, scores, spec.numClasses(), 2, true);
        String skipScores = Blocks.zeroScores(g, spec, "score_" + skipName, skip);
        String cropped = Blocks.cropToMatch(g, "upscore2_" + skipName + "_crop", up, skipScores);
        return Blocks.add(g, "fuse_" + skipName, cropped, skipScores);
    }
}
