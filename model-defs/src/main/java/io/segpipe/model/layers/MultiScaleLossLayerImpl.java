package io.segpipe.model.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.CnnLossLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Runtime side of {@link MultiScaleLossLayer}: DL4J's CNN loss layer applied to each slice of the
 * stacked input in turn (its own shape checks, reshaping and loss calls), the results weighted and
 * summed, or stacked back.
 */
final class MultiScaleLossLayerImpl extends CnnLossLayer {
    private final MultiScaleLossLayer config;
    private final int outputs;

    MultiScaleLossLayerImpl(NeuralNetConfiguration conf, DataType dataType, MultiScaleLossLayer config) {
        super(conf, dataType);
        this.config = config;
        this.outputs = config.getOutputs();
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray stacked = input;
        input = slice(stacked, 0);
        try {
            return super.activate(training, workspaceMgr);
        } finally {
            input = stacked;
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray stacked = input;
        INDArray delta = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, stacked.dataType(), stacked.shape(), 'c');
        long n = imagesPerOutput(stacked);
        Gradient gradient = null;
        try {
            for (int o = 0; o < outputs; o++) {
                input = slice(stacked, o);
                Pair<Gradient, INDArray> p = super.backpropGradient(epsilon, workspaceMgr);
                gradient = p.getFirst();
                INDArray slice = delta.get(NDArrayIndex.interval(o * n, (o + 1) * n));
                slice.assign(p.getSecond());
                if (config.weight(o) != 1) {
                    slice.muli(config.weight(o));
                }
            }
        } finally {
            input = stacked;
        }
        return new Pair<>(gradient, delta);
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray stacked = input;
        double total = 0;
        try {
            for (int o = 0; o < outputs; o++) {
                input = slice(stacked, o);
                total += config.weight(o) * super.computeScore(0, training, workspaceMgr);
            }
        } finally {
            input = stacked;
        }
        score = total + fullNetRegTerm;
        return score;
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        INDArray stacked = input;
        INDArray total = null;
        try {
            for (int o = 0; o < outputs; o++) {
                input = slice(stacked, o);
                INDArray perExample = super.computeScoreForExamples(0, workspaceMgr).muli(config.weight(o));
                total = total == null ? perExample : total.addi(perExample);
            }
        } finally {
            input = stacked;
        }
        return fullNetRegTerm == 0 ? total : total.addi(fullNetRegTerm);
    }

    /** Slice {@code o} of the stacked input: images {@code [o·N, (o+1)·N)}. */
    private INDArray slice(INDArray stacked, int o) {
        long n = imagesPerOutput(stacked);
        return stacked.get(NDArrayIndex.interval(o * n, (o + 1) * n), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
    }

    private long imagesPerOutput(INDArray stacked) {
        if (stacked.rank() != 4 || stacked.size(0) % outputs != 0) {
            throw new IllegalArgumentException(layerId() + ": input must stack " + outputs + " score maps [N, K, H, W] in the "
                    + "batch dimension, found shape " + java.util.Arrays.toString(stacked.shape()));
        }
        return stacked.size(0) / outputs;
    }
}
