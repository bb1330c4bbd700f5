package io.segpipe.model.bench;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.model.layers.LinearConvolution;

/**
 * The same convolution as segpipe trains it today: a {@link LinearConvolution} (DL4J's
 * {@code ConvolutionLayer} without activation, the convolution before every batch norm), NCHW,
 * 3x3, {@code ConvolutionMode.Same}, with the oneDNN helper engaged by {@code Nd4jBackend.init()}:
 * libnd4j's {@code conv2d} and {@code conv2d_bp} on its own statically linked oneDNN. One step is
 * the layer's forward pass in training mode and its backprop, without workspaces.
 */
final class Libnd4jConvolution {
    private final Layer layer;
    private final INDArray src;
    private final INDArray diffDst;
    private final LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();
    private INDArray dst;
    private Pair<Gradient, INDArray> gradients;

    Libnd4jConvolution(ConvolutionGate.Case shape) {
        LinearConvolution conf = (LinearConvolution) new LinearConvolution.Builder(3, 3)
                .nIn(shape.inChannels())
                .nOut(shape.outChannels())
                .stride(1, 1)
                .convolutionMode(ConvolutionMode.Same)
                .dataFormat(CNN2DFormat.NCHW)
                .hasBias(true)
                .build();
        NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .seed(11)
                .layer(conf)
                .build();
        long params = conf.initializer().numParams(nnc);
        layer = conf.instantiate(nnc, null, 0, Nd4j.create(DataType.FLOAT, 1, params), true, DataType.FLOAT);
        layer.setBackpropGradientsViewArray(Nd4j.create(DataType.FLOAT, 1, params));
        src = Nd4j.create(DataType.FLOAT, shape.batch(), shape.inChannels(), shape.height(), shape.width());
        diffDst = Nd4j.create(DataType.FLOAT, shape.batch(), shape.outChannels(), shape.height(), shape.width());
    }

    /** Forward (training) and backprop of the layer. */
    void step() {
        layer.setInput(src, workspaces);
        dst = layer.activate(true, workspaces);
        gradients = layer.backpropGradient(diffDst, workspaces);
    }

    /** The layer (for its helper). */
    Layer layer() {
        return layer;
    }

    /** Input, {@code [N, C, H, W]}. */
    INDArray src() {
        return src;
    }

    /** Gradient with respect to the output, {@code [N, K, H, W]}. */
    INDArray diffDst() {
        return diffDst;
    }

    /** Weights, {@code [K, C, 3, 3]}. */
    INDArray weights() {
        return layer.getParam(ConvolutionParamInitializer.WEIGHT_KEY);
    }

    /** Bias, {@code [1, K]}. */
    INDArray bias() {
        return layer.getParam(ConvolutionParamInitializer.BIAS_KEY);
    }

    /** Output of the last step, {@code [N, K, H, W]}. */
    INDArray dst() {
        return dst;
    }

    /** Gradient with respect to the input from the last step, {@code [N, C, H, W]}. */
    INDArray diffSrc() {
        return gradients.getSecond();
    }

    INDArray diffWeights() {
        return gradients.getFirst().getGradientFor(ConvolutionParamInitializer.WEIGHT_KEY);
    }

    INDArray diffBias() {
        return gradients.getFirst().getGradientFor(ConvolutionParamInitializer.BIAS_KEY);
    }
}
