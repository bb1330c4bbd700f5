package io.segpipe.model.layers;

import java.util.Collection;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A 2-D convolution without activation (the convolution before a batch norm, a class-score layer)
 * that trains without keeping or recomputing its output.
 *
 * <p>DL4J's convolution backprop first gets the layer's pre-activation, to differentiate the
 * activation: with {@code CacheMode.DEVICE} from a copy made in the forward pass (one more array
 * the size of the output, per layer), otherwise by running the forward convolution again (a third
 * more FLOPs per step). The identity's derivative needs neither: only the shape, which the
 * incoming gradient has. This layer hands DL4J the gradient in place of the pre-activation, so it
 * keeps no copy and recomputes nothing; the weight and input gradients are DL4J's own (oneDNN's
 * {@code conv2d_bp}), identical to a plain {@link ConvolutionLayer}'s (LinearConvolutionTest).
 */
public final class LinearConvolution extends ConvolutionLayer {

    /** For JSON deserialisation. */
    public LinearConvolution() {
        setActivationFn(new ActivationIdentity());
    }

    private LinearConvolution(Builder builder) {
        super(builder);
        if (getActivationFn() != null && !(getActivationFn() instanceof ActivationIdentity)) {
            throw new IllegalArgumentException("a LinearConvolution has no activation, found " + getActivationFn());
        }
        setActivationFn(new ActivationIdentity());
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        // as ConvolutionLayer.instantiate, with the implementation that needs no pre-activation
        LayerValidation.assertNInNOutSet("LinearConvolution", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new LinearConvolutionImpl(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams, initializer());
    }

    @Override
    public LinearConvolution clone() {
        return (LinearConvolution) super.clone();
    }

    /** {@link ConvolutionLayer.Builder} with the identity activation, building a {@link LinearConvolution}. */
    public static final class Builder extends ConvolutionLayer.Builder {
        public Builder(int... kernelSize) {
            super(kernelSize);
            activation(Activation.IDENTITY);
        }

        @Override
        public LinearConvolution build() {
            super.build(); // DL4J's validation of kernel, stride, padding and mode
            return new LinearConvolution(this);
        }
    }
}
