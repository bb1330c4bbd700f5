package io.segpipe.model.arch;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * DeepLab v1, "DeepLab-LargeFOV": Chen, Papandreou, Kokkinos, Murphy, Yuille, "Semantic Image
 * Segmentation with Deep Convolutional Nets and Fully Connected CRFs", ICLR 2015, section 3 and
 * Table 2 (the LargeFOV row).
 *
 * <ul>
 *   <li>VGG16's 13 3x3 convolutions (Simonyan and Zisserman 2015) with 3x3 max pooling after each
 *       stage (the reference model's pooling, not VGG's 2x2): pool1 to pool3 with stride 2, pool4 and
 *       pool5 with stride 1, so the features have output stride 8;</li>
 *   <li>conv5's three convolutions at atrous rate 2, making up for the stride pool4 no longer has
 *       (the "hole algorithm" of section 3.1);</li>
 *   <li>fc6 as a 3x3 convolution to 1024 channels at rate 12 (LargeFOV: the 7x7x4096 fc6 of VGG
 *       subsampled to 3x3 and 1024, a 224-pixel field of view with a fraction of the parameters),
 *       fc7 as a 1x1 convolution to 1024, each with ReLU and the spec's dropout (the paper's 0.5);</li>
 *   <li>the classifier ({@code fc8}), a 1x1 convolution to the class scores, bilinearly up-sampled
 *       to the input size ({@link Blocks#resizeToMatch}; the paper interpolates the stride-8 scores
 *       the same way, section 3.2).</li>
 * </ul>
 *
 * Every atrous convolution goes through {@link io.segpipe.model.layers.Atrous} (space-to-batch),
 * which keeps it on the oneDNN path. The fully connected CRF of the paper is post-processing, not
 * part of the network. Batch norm after each convolution is the spec's choice; the paper has none
 * ({@code batchNorm(false)} gives its network).
 */
public final class DeepLabV1 {
    /** Atrous rate of conv5 (after pool4 lost its stride). */
    static final int CONV5_RATE = 2;
    /** LargeFOV's fc6: 3x3 at rate 12. */
    static final int FC6_RATE = 12;
    /** Canonical width of fc6 and fc7. */
    static final int FC_WIDTH = 1024;
    /** Stages whose pooling keeps its stride of 2 (pool1 to pool3); pool4 and pool5 have stride 1. */
    static final int STRIDED_POOLS = 3;

    private DeepLabV1() {
    }

    public static ComputationGraphConfiguration build(SegmentationSpec spec) {
        if (spec.architecture() != Architecture.DEEPLAB_V1) {
            throw new IllegalArgumentException("DeepLabV1.build needs architecture DEEPLAB_V1, found " + spec.architecture());
        }
        GraphBuilder g = Blocks.graph(spec);
        String x = Blocks.INPUT;
        for (int stage = 0; stage < Fcn.VGG16_CONVS.length; stage++) {
            int rate = stage == Fcn.VGG16_CONVS.length - 1 ? CONV5_RATE : 1;
            for (int i = 1; i <= Fcn.VGG16_CONVS[stage]; i++) {
                x = Blocks.atrousConvBnRelu(g, spec.batchNorm(), "conv" + (stage + 1) + "_" + i, x,
                        spec.width(Fcn.VGG16_WIDTHS[stage]), 3, rate);
            }
            x = Blocks.maxPool(g, "pool" + (stage + 1), x, 3, stage < STRIDED_POOLS ? 2 : 1);
        }
        x = Blocks.atrousConvBnRelu(g, spec.batchNorm(), "fc6", x, spec.width(FC_WIDTH), 3, FC6_RATE);
        x = Blocks.dropout(g, spec, "drop6", x);
        x = Blocks.atrousConvBnRelu(g, spec.batchNorm(), "fc7", x, spec.width(FC_WIDTH), 1, 1);
        x = Blocks.dropout(g, spec, "drop7", x);
        String scores = Blocks.scores(g, spec, "fc8", x, 1);
        Blocks.lossOutput(g, spec, Blocks.resizeToMatch(g, "fc8_resize", scores, Blocks.INPUT));
        return g.build();
    }
}
