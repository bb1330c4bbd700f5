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
 *
 * <p>With {@code weights}, slice {@code o}'s score and gradient are multiplied by {@code weights[o]}
 * (deep supervision's per-output loss weights, {@link io.segpipe.model.spec.DeepSupervision}).
 */
public final class MultiScaleLossLayer extends CnnLossLayer {
    private int outputs;
    /** Loss weight of each stacked output; null for all 1. */
    private double[] weights;

    /** For JSON deserialisation. */
    public MultiScaleLossLayer() {
    }

    /**
     * @param loss the per-pixel loss of every output
     * @param activation the activation before the loss (softmax)
     * @param outputs score maps stacked in the input, >= 1
     */
    public MultiScaleLossLayer(ILossFunction loss, IActivation activation, int outputs) {
        this(loss, activation, outputs, null);
    }

    /**
     * @param loss the per-pixel loss of every output
     * @param activation the activation before the loss (softmax)
     * @param outputs score maps stacked in the input, >= 1
     * @param weights loss weight of each stacked output, finite and >= 0, {@code outputs} of them; null for all 1
     */
    public MultiScaleLossLayer(ILossFunction loss, IActivation activation, int outputs, double[] weights) {
        if (outputs < 1) {
            throw new IllegalArgumentException("outputs must be >= 1, found " + outputs);
        }
        if (weights != null) {
            if (weights.length != outputs) {
                throw new IllegalArgumentException("weights must have one entry per output (" + outputs + "), found "
                        + weights.length);
            }
            for (double w : weights) {
                if (!(w >= 0 && Double.isFinite(w))) {
                    throw new IllegalArgumentException("weights must be finite and >= 0, found " + w);
                }
            }
            this.weights = weights.clone();
        }
        setLossFn(loss);
        setActivationFn(activation);
        setFormat(CNN2DFormat.NCHW);
        this.outputs = outputs;
    }

    public int getOutputs() {
        return outputs;
    }

    /** The loss weight of each stacked output, null for all 1 (also what DL4J's JSON writes). */
    public double[] getWeights() {
        return weights == null ? null : weights.clone();
    }

    /** The loss weight of stacked output {@code o}. */
    public double weight(int o) {
        return weights == null ? 1 : weights[o];
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners, int layerIndex,
            INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        // as CnnLossLayer.instantiate, with the implementation that reads the stacked outputs
        return LayerWiring.wire(new MultiScaleLossLayerImpl(conf, networkDataType, this), conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams, initializer());
    }

    @Override
    public MultiScaleLossLayer clone() {
        return (MultiScaleLossLayer) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiScaleLossLayer m && m.outputs == outputs && java.util.Arrays.equals(m.weights, weights)
                && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * super.hashCode() + outputs) + java.util.Arrays.hashCode(weights);
    }
}
