package io.segpipe.model.arch;

import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import io.segpipe.model.layers.Atrous;
import io.segpipe.model.layers.BatchNormRelu;
import io.segpipe.model.layers.BilinearResizeVertex;
import io.segpipe.model.layers.CropToMatchVertex;
import io.segpipe.model.layers.LinearConvolution;
import io.segpipe.model.layers.MaxUnpoolingVertex;
import io.segpipe.model.loss.CrossEntropyDiceLoss;
import io.segpipe.model.loss.WeightedCrossEntropyLoss;
import io.segpipe.model.spec.Padding;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * The building blocks every architecture is composed from. Each helper adds its vertices under
 * names derived from {@code name} and returns the name of the vertex that carries its output, so
 * architecture code wires blocks by returned names and never types a vertex name twice.
 */
public final class Blocks {
    /** The graph's single input. */
    public static final String INPUT = "input";
    /** The per-pixel loss layer that ends every network. */
    public static final String OUTPUT = "output";

    private Blocks() {
    }

    /** A graph builder with the spec's seed, weight init and float data type, and {@link #INPUT} added. */
    public static GraphBuilder graph(SegmentationSpec spec) {
        GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .dataType(DataType.FLOAT)
                .weightInit(spec.weightInit())
                .updater(new Adam(1e-3)) // training replaces it from its own configuration
                .convolutionMode(ConvolutionMode.Same)
                // Keep the pre-activation of each convolution with an activation (DL4J otherwise recomputes
                // the convolution in backprop, a third more FLOPs per step); LinearConvolution needs none.
                .cacheMode(CacheMode.DEVICE)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder()
                .addInputs(INPUT);
        // DL4J needs an input type to infer nIn; any size works at run time for fully convolutional nets
        // (a valid-padding U-Net needs one that pools evenly).
        int any = spec.padding() == Padding.VALID ? UNet.validInputSize(1, spec.depth()) : 64;
        int height = spec.hasFixedInputSize() ? spec.inputHeight() : any;
        int width = spec.hasFixedInputSize() ? spec.inputWidth() : any;
        graph.setInputTypes(InputType.convolutional(height, width, spec.inputChannels()));
        return graph;
    }

    /** kxk convolution, then batch norm (if the spec has it) and ReLU. */
    public static String convBnRelu(GraphBuilder g, SegmentationSpec spec, String name, String in, int nOut, int kernel) {
        return convBnRelu(g, spec.batchNorm(), name, in, nOut, kernel, ConvolutionMode.Same);
    }

    /** kxk convolution with the given padding mode, then optional batch norm and ReLU. */
    public static String convBnRelu(GraphBuilder g, boolean batchNorm, String name, String in, int nOut, int kernel,
                                    ConvolutionMode mode) {
        if (!batchNorm) {
            g.addLayer(name, new ConvolutionLayer.Builder(kernel, kernel)
                    .nOut(nOut)
                    .convolutionMode(mode)
                    .activation(Activation.RELU)
                    .build(), in);
            return name;
        }
        g.addLayer(name, new LinearConvolution.Builder(kernel, kernel)
                .nOut(nOut)
                .convolutionMode(mode)
                .hasBias(false) // batch norm's shift replaces the bias, which would get no gradient
                .build(), in);
        String bn = name + "_bn";
        g.addLayer(bn, new BatchNormRelu(), name);
        return bn;
    }

    /**
     * kxk convolution at atrous rate {@code rate}, then batch norm (if {@code batchNorm}) and ReLU.
     * Rates above 1 go through {@link Atrous} (space-to-batch), which keeps them on the oneDNN path.
     */
    public static String atrousConvBnRelu(GraphBuilder g, boolean batchNorm, String name, String in, int nOut, int kernel,
                                          int rate) {
        if (!batchNorm) {
            return Atrous.addConv(g, name, in, new ConvolutionLayer.Builder(kernel, kernel)
                    .nOut(nOut)
                    .activation(Activation.RELU)
                    .build(), rate);
        }
        String conv = Atrous.addConv(g, name, in, new LinearConvolution.Builder(kernel, kernel)
                .nOut(nOut)
                .hasBias(false)
                .build(), rate);
        String bn = name + "_bn";
        g.addLayer(bn, new BatchNormRelu(), conv);
        return bn;
    }

    /**
     * kxk convolution without bias (stride {@code stride}, or atrous rate {@code rate} at stride 1,
     * through {@link Atrous}), batch norm, and ReLU when {@code relu}: the unit of ResNet, Xception
     * and DeepLab's heads.
     */
    public static String convBn(GraphBuilder g, String name, String in, int nOut, int kernel, int stride, int rate,
                                boolean relu) {
        if (stride != 1 && rate != 1) {
            throw new IllegalArgumentException("a convolution is either strided or atrous, found stride " + stride + ", rate " + rate);
        }
        ConvolutionLayer conv = new LinearConvolution.Builder(kernel, kernel)
                .stride(stride, stride)
                .nOut(nOut)
                .hasBias(false)
                .convolutionMode(ConvolutionMode.Same)
                .build();
        String out = rate == 1 ? addLayer(g, name, conv, in) : Atrous.addConv(g, name, in, conv, rate);
        return batchNorm(g, name + "_bn", out, relu);
    }

    /**
     * Depthwise separable kxk convolution (Chollet, "Xception", CVPR 2017) as DeepLab v3+ uses it
     * (Chen et al. 2018, section 3.2): a depthwise kxk convolution (strided, or atrous at stride 1
     * through {@link Atrous}), batch norm and ReLU, then a 1x1 convolution to {@code nOut} and batch
     * norm, with ReLU when {@code relu}. No biases (batch norm shifts).
     *
     * <p>Why a pair of layers and not DL4J's {@code SeparableConvolution2D}: that layer has no place
     * for the batch norm and ReLU between the two steps, and its {@code sconv2d} op has no oneDNN
     * implementation, so it runs several times slower than this pair, whose depthwise op and 1x1
     * convolution both do (docs/benchmarks.md, "Depthwise separable convolution").
     *
     * @return the name of the last batch norm; the depthwise layer is {@code name + "_dw"}, the
     *     pointwise one {@code name + "_pw"}
     */
    public static String separableConvBn(GraphBuilder g, String name, String in, int nOut, int kernel, int stride, int rate,
                                         boolean relu) {
        if (stride != 1 && rate != 1) {
            throw new IllegalArgumentException("a convolution is either strided or atrous, found stride " + stride + ", rate " + rate);
        }
        DepthwiseConvolution2D depthwise = new DepthwiseConvolution2D.Builder(kernel, kernel)
                .depthMultiplier(1)
                .stride(stride, stride)
                .hasBias(false)
                .activation(Activation.IDENTITY)
                .convolutionMode(ConvolutionMode.Same)
                .build();
        String dwName = name + "_dw";
        String dw = rate == 1 ? addLayer(g, dwName, depthwise, in) : Atrous.addConv(g, dwName, in, depthwise, rate);
        String dwBn = batchNorm(g, dwName + "_bn", dw, true);
        String pw = addLayer(g, name + "_pw", new LinearConvolution.Builder(1, 1).nOut(nOut).hasBias(false).build(), dwBn);
        return batchNorm(g, name + "_pw_bn", pw, relu);
    }

    /** Batch norm, followed by ReLU ({@link BatchNormRelu}) when {@code relu}. */
    public static String batchNorm(GraphBuilder g, String name, String in, boolean relu) {
        g.addLayer(name, relu ? new BatchNormRelu() : new BatchNormalization.Builder().build(), in);
        return name;
    }

    /** ReLU as its own vertex, for a pre-activation whose input is also used unactivated (a residual sum). */
    public static String relu(GraphBuilder g, String name, String in) {
        g.addLayer(name, new ActivationLayer.Builder().activation(Activation.RELU).build(), in);
        return name;
    }

    private static String addLayer(GraphBuilder g, String name, org.deeplearning4j.nn.conf.layers.Layer layer, String in) {
        g.addLayer(name, layer, in);
        return name;
    }

    /** kxk max pooling with the given stride, "same" padding (an odd size rounds up). */
    public static String maxPool(GraphBuilder g, String name, String in, int kernel, int stride) {
        g.addLayer(name, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                .kernelSize(kernel, kernel).stride(stride, stride).build(), in);
        return name;
    }

    /** 2x2 max pooling with stride 2; an odd size rounds up (the graph's "same" mode pads the last row/column). */
    public static String maxPool(GraphBuilder g, String name, String in) {
        g.addLayer(name, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                .kernelSize(2, 2).stride(2, 2).build(), in);
        return name;
    }

    /** 2x2 transposed convolution with stride 2 (learned 2x up-sampling), ReLU. */
    public static String upConv(GraphBuilder g, String name, String in, int nOut) {
        g.addLayer(name, new Deconvolution2D.Builder(2, 2).stride(2, 2)
                .nOut(nOut)
                .convolutionMode(ConvolutionMode.Truncate)
                .activation(Activation.RELU)
                .build(), in);
        return name;
    }

    /** Channel concatenation. */
    public static String concat(GraphBuilder g, String name, String... inputs) {
        g.addVertex(name, new MergeVertex(), inputs);
        return name;
    }

    /** Dropout with the spec's probability, or nothing when it is 0. */
    public static String dropout(GraphBuilder g, SegmentationSpec spec, String name, String in) {
        if (spec.dropout() == 0) {
            return in;
        }
        g.addLayer(name, new DropoutLayer.Builder(1 - spec.dropout()).build(), in); // DL4J takes the retain probability
        return name;
    }

    /** {@code convs} kxk convolutions of {@code nOut} channels, each with the spec's batch norm and ReLU (a VGG stage). */
    public static String convStage(GraphBuilder g, SegmentationSpec spec, String name, String in, int convs, int nOut, int kernel) {
        String x = in;
        for (int i = 1; i <= convs; i++) {
            x = convBnRelu(g, spec, name + "_" + i, x, nOut, kernel);
        }
        return x;
    }

    /** Element-wise sum (skip fusion, residual connections). */
    public static String add(GraphBuilder g, String name, String... inputs) {
        g.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), inputs);
        return name;
    }

    /**
     * A 1x1 convolution to {@code numClasses} scores whose weights and bias start at zero (FCN's
     * score layers: the net starts from the coarser prediction and learns the refinement).
     */
    public static String zeroScores(GraphBuilder g, SegmentationSpec spec, String name, String in) {
        g.addLayer(name, new LinearConvolution.Builder(1, 1)
                .nOut(spec.numClasses())
                .weightInit(WeightInit.ZERO)
                .biasInit(0)
                .build(), in);
        return name;
    }

    /**
     * Up-sampling by an even integer {@code factor} as a transposed convolution of kernel
     * 2·factor, stride factor and padding factor/2, without bias, initialised to bilinear
     * interpolation ({@link BilinearKernelInit}); its output is exactly factor times its input
     * and aligned with it (see {@link Fcn}). {@code learnable = false} freezes it
     * ({@link FrozenLayerWithBackprop}: gradients flow through to the layers below, its own
     * weights never change, whatever updater training configures).
     */
    public static String bilinearUpsampling(GraphBuilder g, String name, String in, int channels, int factor, boolean learnable) {
        if (factor < 2 || factor % 2 != 0) {
            throw new IllegalArgumentException("bilinear up-sampling factor must be even and >= 2, found " + factor);
        }
        Deconvolution2D deconv = new Deconvolution2D.Builder(2 * factor, 2 * factor)
                .stride(factor, factor)
                .padding(factor / 2, factor / 2)
                .convolutionMode(ConvolutionMode.Truncate)
                .nOut(channels)
                .hasBias(false)
                .weightInit(new BilinearKernelInit())
                .activation(Activation.IDENTITY)
                .build();
        g.addLayer(name, learnable ? deconv : new FrozenLayerWithBackprop(deconv), in);
        return name;
    }

    /**
     * Crops {@code in} to the height and width of {@code reference}, keeping the top-left corner:
     * the crop of grids that are aligned at their origin (FCN's up-sampled scores, see {@link Fcn}).
     */
    public static String cropToMatch(GraphBuilder g, String name, String in, String reference) {
        g.addVertex(name, CropToMatchVertex.atOffset(0, 0), in, reference);
        return name;
    }

    /** Crops the centre of {@code in} to the size of {@code reference} (U-Net's valid-padding skips). */
    public static String centreCropToMatch(GraphBuilder g, String name, String in, String reference) {
        g.addVertex(name, CropToMatchVertex.centred(), in, reference);
        return name;
    }

    /** Bilinear resizing (align corners) of {@code in} to the height and width of {@code reference}, with a gradient. */
    public static String resizeToMatch(GraphBuilder g, String name, String in, String reference) {
        g.addVertex(name, BilinearResizeVertex.toMatchSecondInput(), in, reference);
        return name;
    }

    /**
     * SegNet's up-sampling: places each value of {@code in} where the 2x2 max pooling of
     * {@code prePool} (the encoder activation that was pooled) had its maximum, zero elsewhere;
     * the output has {@code prePool}'s size.
     */
    public static String maxUnpool(GraphBuilder g, String name, String in, String prePool) {
        g.addVertex(name, new MaxUnpoolingVertex(), in, prePool);
        return name;
    }

    /** kxk convolution and batch norm, no non-linearity (SegNet-Basic's decoder). */
    public static String convBn(GraphBuilder g, String name, String in, int nOut, int kernel) {
        g.addLayer(name, new LinearConvolution.Builder(kernel, kernel)
                .nOut(nOut)
                .hasBias(false)
                .build(), in);
        String bn = name + "_bn";
        g.addLayer(bn, new BatchNormalization.Builder().build(), name);
        return bn;
    }

    /** A kxk convolution (with bias) to {@code numClasses} class scores, no activation. */
    public static String scores(GraphBuilder g, SegmentationSpec spec, String name, String in, int kernel) {
        g.addLayer(name, new LinearConvolution.Builder(kernel, kernel)
                .nOut(spec.numClasses())
                .build(), in);
        return name;
    }

    /**
     * The classifier that ends every network: a 1x1 convolution to {@code numClasses} scores and
     * the per-pixel softmax loss of the spec, named {@link #OUTPUT}.
     */
    public static String classifier(GraphBuilder g, SegmentationSpec spec, String in) {
        return lossOutput(g, spec, scores(g, spec, "scores", in, 1));
    }

    /**
     * Softmax over the class scores {@code [N, K, H, W]} of {@code scores} with the spec's
     * per-pixel loss, as the network's single output {@link #OUTPUT}; the spec's context module
     * ({@link ContextAggregation}), if any, comes between the scores and the softmax, and the spec's
     * deep supervision ({@link SideOutputs}), if any, adds side outputs on the stages before.
     */
    public static String lossOutput(GraphBuilder g, SegmentationSpec spec, String scores) {
        Map<String, String> stages = SideOutputs.stages(g, scores);
        String main = ContextAggregation.add(g, spec, scores);
        if (spec.deepSupervision() != null) {
            return SideOutputs.add(g, spec, stages, main);
        }
        g.addLayer(OUTPUT, new CnnLossLayer.Builder(loss(spec))
                .activation(Activation.SOFTMAX)
                .build(), main);
        g.setOutputs(OUTPUT);
        return OUTPUT;
    }

    /**
     * The spec's per-pixel loss: softmax cross-entropy with its class weights
     * ({@link WeightedCrossEntropyLoss}), plus {@code diceWeight} times the soft Dice loss when that
     * weight is positive ({@link CrossEntropyDiceLoss}). Pixels of the spec's ignore label reach
     * the loss as all-zero label vectors ({@link io.segpipe.model.predict.Labels#oneHot}) and give
     * no loss and no gradient.
     */
    static ILossFunction loss(SegmentationSpec spec) {
        SegmentationSpec.LossSpec loss = spec.loss();
        return loss.diceWeight() == 0
                ? new WeightedCrossEntropyLoss(loss.classWeights())
                : new CrossEntropyDiceLoss(loss.classWeights(), 1, loss.diceWeight());
    }
}
