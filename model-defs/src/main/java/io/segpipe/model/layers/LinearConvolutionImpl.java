package io.segpipe.model.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runtime side of {@link LinearConvolution}. DL4J's backprop asks {@code preOutput} for the
 * pre-activation and, on the oneDNN path, takes a non-null {@code preOutput} field as the cached
 * one; setting it to the incoming gradient for the duration of backprop gives the identity's
 * derivative the shape it checks and skips the forward recomputation. Caching is off, so the
 * forward pass never copies its output.
 */
final class LinearConvolutionImpl extends ConvolutionLayer {

    LinearConvolutionImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        cacheMode = CacheMode.NONE;
    }

    @Override
    public void setCacheMode(CacheMode mode) {
        super.setCacheMode(CacheMode.NONE); // nothing to cache: see backpropGradient
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (layerConf().getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            return super.backpropGradient(epsilon, workspaceMgr); // the stand-in's layout would not match
        }
        preOutput = epsilon;
        try {
            return super.backpropGradient(epsilon, workspaceMgr);
        } finally {
            preOutput = null;
        }
    }
}
