package io.segpipe.model.arch;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.activations.Activation;

import io.segpipe.model.layers.Atrous;
import io.segpipe.model.layers.LinearConvolution;
import io.segpipe.model.spec.ContextModule;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * The context module of Yu and Koltun, "Multi-Scale Context Aggregation by Dilated Convolutions",
 * ICLR 2016 (section 3, Table 1), as the head {@link SegmentationSpec#contextModule()} adds to any
 * architecture's class scores, following the authors' Caffe reference (fyu/dilation,
 * {@code network.py}, {@code build_context}).
 *
 * <p>Layers 1-7: 3x3 convolutions with bias at dilations 1, 1, 2, 4, 8, 16, 1, each followed by ReLU
 * (the paper's truncation); layer 8: a 1x1 convolution with bias back to C = numClasses channels,
 * no ReLU (its output is the scores the softmax reads). Widths: C in every layer (basic), or 2C, 2C,
 * 4C, 8C, 16C, 32C, 32C (large). Receptive field 67x67 at the scores' resolution. Dilated layers go
 * through {@link Atrous} (space-to-batch), which keeps them on the fast convolution path.
 *
 * <p>Initialisation ({@link ContextIdentityInit}): the basic module's filters are the identity on
 * their centre tap and its biases zero, so a fresh module outputs {@code max(scores, 0)}: exactly the
 * network's scores where they are non-negative. (The truncation after the first layer is the paper's
 * and its reference's; it zeroes negative scores, so a fresh module is the identity on non-negative
 * scores, not on all.) The large module uses the paper's generalised identity with Gaussian noise of
 * standard deviation {@link #LARGE_NOISE_STD}, well below its smallest centre weight 1/32.
 *
 * <p>Cost: about {@code 7·9·C²} multiply-adds per output pixel (basic; 11 classes: 7.6k), up to
 * {@code 9·32²·C²} per pixel in the large module's widest layer; run at full resolution it is cheap
 * for the basic module and significant for the large one.
 */
public final class ContextAggregation {
    /** Dilations of the seven 3x3 layers (Table 1). */
    static final int[] DILATIONS = {1, 1, 2, 4, 8, 16, 1};
    /** Widths of the seven 3x3 layers of the large module, in multiples of C (Table 1). */
    static final int[] LARGE_WIDTHS = {2, 2, 4, 8, 16, 32, 32};
    /** Noise of the large module's generalised identity init (the paper asks for sigma much smaller than C / c_out). */
    static final double LARGE_NOISE_STD = 1e-3;

    private ContextAggregation() {
    }

    /**
     * Adds the spec's context module on {@code scores} ({@code [N, numClasses, H, W]}).
     *
     * @return the name of the module's output, or {@code scores} itself when the spec has none
     */
    public static String add(GraphBuilder g, SegmentationSpec spec, String scores) {
        if (spec.contextModule() == ContextModule.NONE) {
            return scores;
        }
        int classes = spec.numClasses();
        boolean large = spec.contextModule() == ContextModule.LARGE;
        IWeightInit init = new ContextIdentityInit(classes, large ? LARGE_NOISE_STD : 0);
        String x = scores;
        for (int i = 0; i < DILATIONS.length; i++) {
            int nOut = large ? LARGE_WIDTHS[i] * classes : classes;
            x = Atrous.addConv(g, "context" + (i + 1), x, new ConvolutionLayer.Builder(3, 3)
                    .nOut(nOut)
                    .activation(Activation.RELU)
                    .weightInit(init)
                    .biasInit(0)
                    .build(), DILATIONS[i]);
        }
        String last = "context" + (DILATIONS.length + 1);
        g.addLayer(last, new LinearConvolution.Builder(1, 1).nOut(classes).weightInit(init).biasInit(0).build(), x);
        return last;
    }
}
