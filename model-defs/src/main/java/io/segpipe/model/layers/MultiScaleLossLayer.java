package io.segpipe.model.layers;

import java.util.Collection;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The output layer of a network whose last vertex stacks several score maps in the batch dimension
 * ({@link MultiScaleLayer}: {@code [outputs·N, K, H, W]}, fused scores first): each slice of N gets
 * the layer's activation and loss against the same labels {@code [N, K, H, W]}; the score is the sum
 * of the slices' scores, each a mean over the N images (the supervision of every output of DeepLab
 * v2's multi-scale training, TPAMI 2018, section 4.1). The network's output is the activation of the
 * first slice, {@code [N, K, H, W]}: the fused prediction.
 */
public final class MultiScaleLossLayer extends CnnLossLayer {
    private int outputs;

    /** For JSON deserialisation. */
    public MultiScaleLossLayer() {
    }

    /**
     * @param loss the per-pixel loss of every output
     * @param activation the activation before the loss (softmax)
     * @param outputs score maps stacked in the input, >= 1
     */
    public MultiScaleLossLayer(ILossFunction loss, IActivation activation, int outputs) {
        if (outputs < 1) {
            throw new IllegalArgumentException("outputs must be >= 1, found " + outputs);
        }
        setLossFn(loss);
        setActivationFn(activation);
        setFormat(CNN2DFormat.NCHW);
        this.outputs = outputs;
    }

    public int getOutputs() {
        return outputs;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners, int layerIndex,
            INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        // as CnnLossLayer.instantiate, with the implementation that reads the stacked outputs
        return LayerWiring.wire(new MultiScaleLossLayerImpl(conf, networkDataType, outputs), conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams, initializer());
    }

    @Override
    public MultiScaleLossLayer clone() {
        return (MultiScaleLossLayer) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiScaleLossLayer m && m.outputs == outputs && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + outputs;
    }
}
