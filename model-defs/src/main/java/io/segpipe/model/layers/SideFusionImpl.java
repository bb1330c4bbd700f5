package io.segpipe.model.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Runtime side of {@link SideFusion}: with the input seen as {@code x[n, j, c, p]} (p the pixel),
 * {@code out[n, c, p] = Σ_j W[j, c] x[n, j, c, p]}; backward {@code dx[n, j, c, p] = W[j, c] g[n, c, p]}
 * and {@code dW[j, c] = Σ_{n, p} x[n, j, c, p] g[n, c, p]}.
 */
final class SideFusionImpl extends BaseLayer<SideFusion> {

    SideFusionImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.CONVOLUTIONAL;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        long[] shape = checkedShape(input);
        INDArray x = mapsByPixel(shape);
        INDArray weighted = Broadcast.mul(x, weights(), x.ulike(), 1, 2);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), shape[0],
                layerConf().getClasses(), shape[2], shape[3]);
        out.assign(weighted.sum(1).reshape('c', out.shape()));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        long[] shape = checkedShape(input);
        int outputs = layerConf().getOutputs();
        int classes = layerConf().getClasses();
        long n = shape[0];
        long pixels = shape[2] * shape[3];
        INDArray x = mapsByPixel(shape);
        INDArray g = epsilon.reshape('c', n, classes, pixels); // a view when contiguous, a copy only otherwise
        INDArray w = weights();
        INDArray dW = gradientViews.get(SideFusionParamInitializer.WEIGHT_KEY);
        INDArray delta = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), n, outputs,
                classes, pixels);
        for (int j = 0; j < outputs; j++) {
            INDArray wj = w.getRow(j);
            Broadcast.mul(g, wj, delta.get(NDArrayIndex.all(), NDArrayIndex.point(j), NDArrayIndex.all(),
                    NDArrayIndex.all()), 1);
            INDArray xj = x.get(NDArrayIndex.all(), NDArrayIndex.point(j), NDArrayIndex.all(), NDArrayIndex.all());
            dW.getRow(j).assign(xj.mul(g).sum(0, 2));
        }
        Gradient gradient = new DefaultGradient();
        gradient.gradientForVariable().put(SideFusionParamInitializer.WEIGHT_KEY, dW);
        return new Pair<>(gradient, delta.reshape('c', shape));
    }

    /** The input as {@code x[n, j, c, p]}: image, score map, class, pixel. */
    private INDArray mapsByPixel(long[] shape) {
        return input.reshape('c', shape[0], layerConf().getOutputs(), layerConf().getClasses(),
                shape[2] * shape[3]);
    }

    private INDArray weights() {
        return getParam(SideFusionParamInitializer.WEIGHT_KEY);
    }

    private long[] checkedShape(INDArray in) {
        long expected = (long) layerConf().getOutputs() * layerConf().getClasses();
        if (in.rank() != 4 || in.size(1) != expected) {
            throw new IllegalArgumentException(layerId() + ": input must be [N, " + expected + ", H, W] ("
                    + layerConf().getOutputs() + " score maps of " + layerConf().getClasses() + " classes), found "
                    + java.util.Arrays.toString(in.shape()));
        }
        return in.shape();
    }
}
