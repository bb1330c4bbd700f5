package io.segpipe.model.layers;

import java.util.Collection;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch normalization (Ioffe, Szegedy, "Batch Normalization: Accelerating Deep Network Training by
 * Reducing Internal Covariate Shift", ICML 2015) followed by ReLU, in one layer.
 *
 * <p>DL4J 1.0.0-M2.1's {@link BatchNormalization} layer accepts an activation in its builder and
 * ignores it: its {@code activate} returns the normalised values as they are (BatchNormReluTest
 * pins this). A separate {@code ActivationLayer} would store a second copy of every activation for
 * backprop. This layer applies ReLU in place to the normalised output and takes ReLU's derivative
 * from that output (positive exactly where the normalised value was), so it costs no extra memory.
 * Everything else, including the oneDNN batch-norm kernels, is DL4J's.
 */
public final class BatchNormRelu extends BatchNormalization {

    /** DL4J's batch-norm defaults (decay 0.9, eps 1e-5, learned gamma and beta), then ReLU. */
    public BatchNormRelu() {
        setActivationFn(new ActivationReLU());
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        // as BatchNormalization.instantiate, with the ReLU-applying implementation
        LayerValidation.assertNOutSet("BatchNormRelu", getLayerName(), layerIndex, getNOut());
        return LayerWiring.wire(new BatchNormReluImpl(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams, initializer());
    }

    @Override
    public BatchNormRelu clone() {
        return (BatchNormRelu) super.clone();
    }
}
