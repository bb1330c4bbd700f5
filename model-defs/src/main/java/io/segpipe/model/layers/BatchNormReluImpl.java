package io.segpipe.model.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Runtime side of {@link BatchNormRelu}: DL4J's batch norm, ReLU applied in place to its output,
 * and ReLU's derivative taken from that output in backprop.
 */
final class BatchNormReluImpl extends BatchNormalization {
    /**
     * This training step's output. It is also the next layer's input, so it lives in the graph's
     * activation workspace until backprop is over; layers above may scale or zero it in place
     * (dropout), which never changes where it is positive in a way that matters: a zeroed unit
     * gets no gradient either way.
     */
    private INDArray output;

    BatchNormReluImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray normalised = super.activate(training, workspaceMgr);
        Transforms.relu(normalised, false);
        output = training ? normalised : null;
        return normalised;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (output == null) {
            throw new IllegalStateException("backprop through " + layerId() + " without a training forward pass");
        }
        INDArray normalisedGrad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(),
                epsilon.shape(), 'c');
        Nd4j.exec(new RectifiedLinearDerivative(output, epsilon, normalisedGrad));
        return super.backpropGradient(normalisedGrad, workspaceMgr);
    }

    @Override
    public void clear() {
        super.clear();
        output = null;
    }
}
