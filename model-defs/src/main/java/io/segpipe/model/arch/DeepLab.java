package io.segpipe.model.arch;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;

import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * DeepLab v3 and v3+ on a ResNet or aligned Xception-65 backbone.
 *
 * <p><b>v3</b>: Chen, Papandreou, Schroff, Adam, "Rethinking Atrous Convolution for Semantic Image
 * Segmentation", arXiv:1706.05587, 2017. A {@link ResNet} of the spec's depth (18, 34, 50, 101)
 * with atrous convolution in its last stage(s) so the features have output stride 16 or 8, then
 * Atrous Spatial Pyramid Pooling (section 3.3): a 1x1 convolution, three 3x3 atrous convolutions
 * at rates 6, 12, 18 (doubled to 12, 24, 36 at output stride 8), and image-level features (global
 * average pooling, 1x1 convolution, bilinearly broadcast back to the feature size), each to 256
 * channels with batch norm and ReLU; concatenated, a 1x1 convolution to 256 with batch norm
 * (ReLU, and the spec's dropout where torchvision puts 0.5), the 1x1 class-score convolution, and
 * bilinear up-sampling to the input size. Unlike torchvision's {@code DeepLabHead}, there is no
 * extra 3x3 convolution between ASPP and the scores (the paper has none) and no auxiliary head.
 * Multi-Grid (section 3.2) is the spec's option {@link SegmentationSpec#multiGrid()}: unit rates
 * (1, 2, 4) times the rate of the last stage (see {@link ResNet}).
 *
 * <p><b>v3+</b>: Chen, Zhu, Papandreou, Schroff, Adam, "Encoder-Decoder with Atrous Separable
 * Convolution for Semantic Image Segmentation", ECCV 2018, section 3.1 and 4.1: the ASPP output is
 * up-sampled bilinearly to the stride-4 low-level features (the output of ResNet stage 1, 4x at
 * output stride 16), which are reduced to 48 channels by a 1x1 convolution; concatenated, two 3x3
 * convolutions to 256 (batch norm, ReLU), the class scores, and bilinear up-sampling to the input
 * size. The paper's own backbone is aligned Xception-65 ({@link Xception}, spec backbone
 * {@code XCEPTION}), whose low-level features come from its second entry module.
 *
 * <p><b>Separable convolutions</b> ({@link SegmentationSpec#separableConvolutions()}, section 3.2,
 * "Xception + ASPP/decoder separable"): the three atrous ASPP branches and the decoder's two 3x3
 * convolutions become depthwise separable ({@link Blocks#separableConvBn}), on either backbone. On
 * by default with Xception, the paper's network; off with ResNet, the paper's choice for it.
 *
 * <p>All up-sampling is a bilinear resize to the size of a reference input
 * ({@link Blocks#resizeToMatch}, {@code align_corners=True} as the TensorFlow reference), so any
 * input size works. Batch norm is always on (the spec's {@code batchNorm} is ignored).
 */
public final class DeepLab {
    /** ASPP rates at output stride 16 (doubled at 8). */
    static final int[] ASPP_RATES = {6, 12, 18};
    static final int ASPP_WIDTH = 256;
    static final int LOW_LEVEL_WIDTH = 48;
    static final int DECODER_WIDTH = 256;

    private DeepLab() {
    }

    public static ComputationGraphConfiguration build(SegmentationSpec spec) {
        Architecture a = spec.architecture();
        if (a != Architecture.DEEPLAB_V3 && a != Architecture.DEEPLAB_V3_PLUS) {
            throw new IllegalArgumentException("DeepLab.build needs architecture DEEPLAB_V3 or DEEPLAB_V3_PLUS, found " + a);
        }
        GraphBuilder g = Blocks.graph(spec);
        Backbones.Features features = Backbones.build(g, spec, Blocks.INPUT);
        String x = aspp(g, spec, features.high());
        if (a == Architecture.DEEPLAB_V3_PLUS) {
            x = decoder(g, spec, x, features.lowLevel());
        }
        String scores = Blocks.scores(g, spec, "logits", x, 1);
        String resized = Blocks.resizeToMatch(g, "logits_resize", scores, Blocks.INPUT);
        Blocks.lossOutput(g, spec, resized);
        return g.build();
    }

    private static String aspp(GraphBuilder g, SegmentationSpec spec, String in) {
        int width = spec.width(ASPP_WIDTH);
        int scale = 16 / spec.outputStride();
        String[] branches = new String[ASPP_RATES.length + 2];
        branches[0] = Blocks.convBn(g, "aspp_1x1", in, width, 1, 1, 1, true);
        for (int i = 0; i < ASPP_RATES.length; i++) {
            int rate = ASPP_RATES[i] * scale;
            branches[i + 1] = conv3x3(g, spec, "aspp_3x3_rate" + rate, in, width, rate);
        }
        g.addLayer("aspp_pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).collapseDimensions(false).build(), in);
        String pooled = Blocks.convBn(g, "aspp_pool_1x1", "aspp_pool", width, 1, 1, 1, true);
        branches[branches.length - 1] = Blocks.resizeToMatch(g, "aspp_pool_broadcast", pooled, in);
        String concat = Blocks.concat(g, "aspp_concat", branches);
        String projected = Blocks.convBn(g, "aspp_project", concat, width, 1, 1, 1, true);
        return Blocks.dropout(g, spec, "aspp_dropout", projected);
    }

    private static String decoder(GraphBuilder g, SegmentationSpec spec, String aspp, String lowLevel) {
        String reduced = Blocks.convBn(g, "decoder_low_level", lowLevel, spec.width(LOW_LEVEL_WIDTH), 1, 1, 1, true);
        String upsampled = Blocks.resizeToMatch(g, "decoder_upsample", aspp, reduced);
        String x = Blocks.concat(g, "decoder_concat", upsampled, reduced);
        x = conv3x3(g, spec, "decoder_conv1", x, spec.width(DECODER_WIDTH), 1);
        return conv3x3(g, spec, "decoder_conv2", x, spec.width(DECODER_WIDTH), 1);
    }

    /** A 3x3 convolution of the heads at {@code rate}, batch norm, ReLU: depthwise separable if the spec says so. */
    private static String conv3x3(GraphBuilder g, SegmentationSpec spec, String name, String in, int nOut, int rate) {
        return spec.separableConvolutions()
                ? Blocks.separableConvBn(g, name, in, nOut, 3, 1, rate, true)
                : Blocks.convBn(g, name, in, nOut, 3, 1, rate, true);
    }
}
