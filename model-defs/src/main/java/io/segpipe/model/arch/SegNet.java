package io.segpipe.model.arch;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;

import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * SegNet and SegNet-Basic: Badrinarayanan, Kendall, Cipolla, "SegNet: A Deep Convolutional
 * Encoder-Decoder Architecture for Image Segmentation", TPAMI 2017, following the reference Caffe
 * models of alexgkendall/SegNet-Tutorial ({@code segnet_train.prototxt},
 * {@code segnet_basic_train.prototxt}).
 *
 * <p><b>SegNet</b>: the encoder is VGG16's 13 3x3 convolutions, each with batch norm and ReLU,
 * in 5 stages ending in 2x2 max pooling. The decoder mirrors it: each stage up-samples with the
 * <b>max-pooling indices of the matching encoder stage</b> ({@link Blocks#maxUnpool}: sparse,
 * not learned), then applies the stage's 3x3 convolutions in reverse (the last one of a stage
 * narrows to the next stage's width: 512, 512, 512 | 512, 512, 256 | 256, 256, 128 | 128, 64 | 64),
 * each with batch norm and ReLU. The last decoder convolution is the reference's
 * {@code conv1_1_D}: a 3x3 convolution straight to the class scores, then the softmax.
 *
 * <p><b>SegNet-Basic</b> (paper section 4, the smaller network of the analysis): 4 encoder
 * stages of one 7x7 convolution to 64 channels, batch norm, ReLU and max pooling; 4 decoder stages
 * of index unpooling, 7x7 convolution and batch norm <em>without ReLU</em> (as the paper and
 * reference); a 1x1 classifier. The reference normalises the input with a local response
 * normalisation layer; segpipe normalises images in data-prep instead, so it is left out (it has
 * no parameters).
 *
 * <p>Batch norm is always on (the paper's design; the spec's {@code batchNorm} is ignored).
 * Convolutions followed by batch norm have no bias (batch norm's shift replaces it), unlike the
 * Caffe reference, which carries both. Dropout (the Bayesian SegNet variant's placement, after
 * the three deepest encoder and decoder stages) is used when the spec's dropout is set. Any input
 * size works: pooling rounds odd sizes up and unpooling restores the exact pre-pooling size.
 */
public final class SegNet {
    /** Canonical widths and convolutions per stage of the VGG16 encoder. */
    static final int[] VGG16_CONVS = Fcn.VGG16_CONVS;
    static final int[] VGG16_WIDTHS = Fcn.VGG16_WIDTHS;
    /** SegNet-Basic: stages, width and kernel. */
    static final int BASIC_STAGES = 4;
    static final int BASIC_WIDTH = 64;
    static final int BASIC_KERNEL = 7;

    private SegNet() {
    }

    public static ComputationGraphConfiguration build(SegmentationSpec spec) {
        return switch (spec.architecture()) {
            case SEGNET -> segnet(spec);
            case SEGNET_BASIC -> basic(spec);
            default -> throw new IllegalArgumentException("SegNet.build needs architecture SEGNET or SEGNET_BASIC, found "
                    + spec.architecture());
        };
    }

    private static ComputationGraphConfiguration segnet(SegmentationSpec spec) {
        GraphBuilder g = Blocks.graph(spec);
        int stages = VGG16_CONVS.length;
        String[] prePool = new String[stages];
        String x = Blocks.INPUT;
        for (int s = 0; s < stages; s++) {
            prePool[s] = convs(g, spec, "conv" + (s + 1), x, VGG16_CONVS[s], spec.width(VGG16_WIDTHS[s]));
            x = Blocks.maxPool(g, "pool" + (s + 1), prePool[s]);
            x = bayesianDropout(g, spec, "pool" + (s + 1) + "_drop", x, s);
        }
        for (int s = stages - 1; s >= 0; s--) {
            String name = "conv" + (s + 1);
            x = Blocks.maxUnpool(g, "upsample" + (s + 1), x, prePool[s]);
            int convs = VGG16_CONVS[s];
            for (int c = convs; c >= 1; c--) {
                boolean lastOfNet = s == 0 && c == 1;
                if (lastOfNet) {
                    x = Blocks.scores(g, spec, name + "_1_D", x, 3);
                } else {
                    int nOut = c > 1 ? VGG16_WIDTHS[s] : VGG16_WIDTHS[s - 1]; // the stage's last conv narrows
                    x = Blocks.convBnRelu(g, true, name + "_" + c + "_D", x, spec.width(nOut), 3, ConvolutionMode.Same);
                }
            }
            x = bayesianDropout(g, spec, name + "_D_drop", x, s);
        }
        Blocks.lossOutput(g, spec, x);
        return g.build();
    }

    private static ComputationGraphConfiguration basic(SegmentationSpec spec) {
        GraphBuilder g = Blocks.graph(spec);
        int width = spec.width(BASIC_WIDTH);
        String[] prePool = new String[BASIC_STAGES];
        String x = Blocks.INPUT;
        for (int s = 0; s < BASIC_STAGES; s++) {
            prePool[s] = Blocks.convBnRelu(g, true, "conv" + (s + 1), x, width, BASIC_KERNEL, ConvolutionMode.Same);
            x = Blocks.maxPool(g, "pool" + (s + 1), prePool[s]);
        }
        for (int s = BASIC_STAGES - 1; s >= 0; s--) {
            x = Blocks.maxUnpool(g, "upsample" + (s + 1), x, prePool[s]);
            x = Blocks.convBn(g, "conv_decode" + (s + 1), x, width, BASIC_KERNEL);
        }
        x = Blocks.scores(g, spec, "conv_classifier", x, 1);
        Blocks.lossOutput(g, spec, x);
        return g.build();
    }

    /** One VGG stage with batch norm always on (SegNet's encoder). */
    private static String convs(GraphBuilder g, SegmentationSpec spec, String name, String in, int convs, int nOut) {
        String x = in;
        for (int i = 1; i <= convs; i++) {
            x = Blocks.convBnRelu(g, true, name + "_" + i, x, nOut, 3, ConvolutionMode.Same);
        }
        return x;
    }

    /** Bayesian SegNet's dropout after the three deepest stages (stage index 2, 3, 4), when the spec has dropout. */
    private static String bayesianDropout(GraphBuilder g, SegmentationSpec spec, String name, String in, int stage) {
        return stage >= 2 ? Blocks.dropout(g, spec, name, in) : in;
    }
}
