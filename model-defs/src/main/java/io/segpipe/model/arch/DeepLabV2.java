package io.segpipe.model.arch;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.nd4j.linalg.activations.Activation;

import io.segpipe.model.layers.Atrous;
import io.segpipe.model.layers.LinearConvolution;
import io.segpipe.model.layers.MultiScaleLossLayer;
import io.segpipe.model.layers.MultiScaleLayer;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * DeepLab v2: Chen, Papandreou, Kokkinos, Murphy, Yuille, "DeepLab: Semantic Image Segmentation
 * with Deep Convolutional Nets, Atrous Convolution, and Fully Connected CRFs", TPAMI 2018.
 *
 * <ul>
 *   <li>Backbone: {@link ResNet} (the paper's ResNet-101 by default) with atrous convolution in its
 *       last two stages (rates 2 and 4), output stride 8 (section 3.1);</li>
 *   <li>ASPP, the "ASPP-L" of section 3.3 and Fig. 4 as the reference model builds it on ResNet:
 *       four parallel 3x3 convolutions straight to the class scores at rates 6, 12, 18 and 24, with
 *       bias and without batch norm, summed element-wise; no image pooling (that is v3's);</li>
 *   <li>the scores bilinearly up-sampled to the input size.</li>
 * </ul>
 *
 * <p><b>Multi-scale inputs</b> ({@link SegmentationSpec#multiScaleInputs()}, section 4.1 "MSC"):
 * the network above without its up-sampling is the body of a {@link MultiScaleLayer}, applied with
 * shared weights to the input at scales 1, 0.75 and 0.5; the scores are fused by their element-wise
 * maximum, and the fused and the three per-scale outputs are each supervised
 * ({@link MultiScaleLossLayer}). The network's output is the fused prediction, so inference fuses the
 * three scales by maximum too. The same parameters as the single-scale network; about 1.8x its FLOPs.
 *
 * <p>The fully connected CRF of the paper is post-processing, not part of the network. Batch norm in
 * the backbone is always on.
 */
public final class DeepLabV2 {
    /** ASPP-L rates at output stride 8. */
    static final int[] ASPP_RATES = {6, 12, 18, 24};
    /** Input scales of multi-scale training; the first is the full image. */
    static final double[] SCALES = {1, 0.75, 0.5};
    /** The multi-scale layer. */
    static final String MULTI_SCALE = "msc";

    private DeepLabV2() {
    }

    public static ComputationGraphConfiguration build(SegmentationSpec spec) {
        if (spec.architecture() != Architecture.DEEPLAB_V2) {
            throw new IllegalArgumentException("DeepLabV2.build needs architecture DEEPLAB_V2, found " + spec.architecture());
        }
        GraphBuilder g = Blocks.graph(spec);
        if (!spec.multiScaleInputs()) {
            String scores = body(g, spec, Blocks.INPUT);
            Blocks.lossOutput(g, spec, Blocks.resizeToMatch(g, "scores_resize", scores, Blocks.INPUT));
            return g.build();
        }
        GraphBuilder body = Blocks.graph(spec);
        body.setOutputs(body(body, spec, Blocks.INPUT));
        g.addLayer(MULTI_SCALE, new MultiScaleLayer(body.build(), SCALES), Blocks.INPUT);
        g.addLayer(Blocks.OUTPUT, new MultiScaleLossLayer(Blocks.loss(spec), Activation.SOFTMAX.getActivationFunction(),
                SCALES.length + 1), MULTI_SCALE);
        g.setOutputs(Blocks.OUTPUT);
        return g.build();
    }

    /** Backbone and ASPP-L: the class scores at output stride 8. */
    private static String body(GraphBuilder g, SegmentationSpec spec, String in) {
        String features = Backbones.build(g, spec, in).high();
        String[] branches = new String[ASPP_RATES.length];
        for (int i = 0; i < ASPP_RATES.length; i++) {
            branches[i] = Atrous.addConv(g, "aspp_rate" + ASPP_RATES[i], features,
                    new LinearConvolution.Builder(3, 3).nOut(spec.numClasses()).build(), ASPP_RATES[i]);
        }
        return Blocks.add(g, "scores", branches);
    }
}
