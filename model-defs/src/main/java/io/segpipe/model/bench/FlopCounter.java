package io.segpipe.model.bench;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.model.layers.DenseBlock;
import io.segpipe.model.layers.MultiScaleLayer;

/**
 * Counts the floating-point operations of a network from its layers, for one real forward pass.
 *
 * <p>Counted: convolutions (depthwise ones per channel), transposed convolutions and dense layers,
 * a multiply-add as 2 FLOPs,
 * with the shapes their inputs and outputs actually have in that pass (so vertices that move
 * pixels into the batch dimension, like the space-to-batch route of atrous convolution, are
 * counted right). Element-wise layers (batch norm, activations, pooling, merges) are left out: they
 * are a few percent of a convolutional network's arithmetic and run at memory speed, not GEMM
 * speed. A training step is counted as 3x the forward FLOPs (forward, gradient with respect to
 * the input, gradient with respect to the weights), the usual convention. A {@link MultiScaleLayer}
 * counts its body once per scale, at that scale's input size.
 */
public final class FlopCounter {

    private FlopCounter() {
    }

    /** FLOPs of one forward pass per image of {@code input}'s size (the batch is divided out). */
    public static long forwardFlopsPerImage(ComputationGraph net, INDArray input) {
        Map<String, INDArray> activations = net.feedForward(new INDArray[] {input}, false);
        ComputationGraphConfiguration conf = net.getConfiguration();
        long total = 0;
        for (Map.Entry<String, GraphVertex> vertex : conf.getVertices().entrySet()) {
            if (!(vertex.getValue() instanceof LayerVertex layerVertex)) {
                continue;
            }
            List<String> inputs = conf.getVertexInputs().get(vertex.getKey());
            INDArray in = activations.get(inputs.get(0));
            INDArray out = activations.get(vertex.getKey());
            if (in != null && out != null) {
                total += layerFlops(unwrap(layerVertex.getLayerConf().getLayer()), in, out);
            }
        }
        return total / input.size(0);
    }

    static long layerFlops(Layer layer, INDArray in, INDArray out) {
        if (layer instanceof MultiScaleLayer multiScale) {
            return multiScaleFlops(multiScale, in);
        }
        if (layer instanceof DenseBlock block) {
            // each layer's 3x3 convolution from its input channels to the growth rate, at the input's size
            long flops = 0;
            for (int i = 0; i < block.getLayers(); i++) {
                flops += 2L * 9 * block.layerInputChannels(i) * block.getGrowth() * pixels(in, CNN2DFormat.NCHW);
            }
            return flops;
        }
        if (layer instanceof Deconvolution2D deconv) {
            int[] k = deconv.getKernelSize();
            return 2L * k[0] * k[1] * deconv.getNIn() * deconv.getNOut() * pixels(in, deconv.getCnn2dDataFormat());
        }
        if (layer instanceof DepthwiseConvolution2D depthwise) {
            // each input channel convolved on its own: k²·depthMultiplier multiply-adds per input channel and pixel
            int[] k = depthwise.getKernelSize();
            return 2L * k[0] * k[1] * depthwise.getNOut() * pixels(out, depthwise.getCnn2dDataFormat());
        }
        if (layer instanceof ConvolutionLayer conv) {
            int[] k = conv.getKernelSize();
            return 2L * k[0] * k[1] * conv.getNIn() * conv.getNOut() * pixels(out, conv.getCnn2dDataFormat());
        }
        if (layer instanceof DenseLayer dense) {
            return 2L * dense.getNIn() * dense.getNOut() * in.size(0);
        }
        return 0;
    }

    /** The body's FLOPs at each scale of {@code in}'s size, for {@code in}'s batch. */
    private static long multiScaleFlops(MultiScaleLayer layer, INDArray in) {
        ComputationGraph body = new ComputationGraph(layer.bodyConfiguration());
        body.init();
        long total = 0;
        for (double scale : layer.getScales()) {
            INDArray scaled = Nd4j.rand(in.dataType(), 1, in.size(1), MultiScaleLayer.scaledSize(in.size(2), scale),
                    MultiScaleLayer.scaledSize(in.size(3), scale));
            total += forwardFlopsPerImage(body, scaled);
        }
        body.close();
        return total * in.size(0);
    }

    /** Batch x height x width of a rank-4 activation. */
    private static long pixels(INDArray activation, CNN2DFormat format) {
        long spatial = format == CNN2DFormat.NHWC
                ? activation.size(1) * activation.size(2)
                : activation.size(2) * activation.size(3);
        return activation.size(0) * spatial;
    }

    private static Layer unwrap(Layer layer) {
        if (layer instanceof FrozenLayer frozen) {
            return unwrap(frozen.getLayer());
        }
        if (layer instanceof FrozenLayerWithBackprop frozen) {
            return unwrap(frozen.getUnderlying());
        }
        return layer;
    }
}
