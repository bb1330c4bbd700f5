package io.segpipe.model.layers;

import static io.segpipe.model.layers.BilinearInterpolation.Alignment.CORNERS;

import java.util.LinkedHashMap;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Runtime side of {@link MultiScaleLayer}: one {@link BodyGraph} per scale on the layer's parameter
 * view. Forward: resize the input to each scale, run each body (in training keeping what backprop
 * needs), resize the scores to the full-scale scores' size, take the element-wise maximum, resize
 * every output to the input size. Backward: the maximum's gradient goes to the scale that gave it
 * (the first on ties), each body backpropagates its share, parameter gradients are summed (running
 * statistics' moves averaged) and input gradients resized back and summed.
 */
final class MultiScaleLayerImpl extends BaseLayer<MultiScaleLayer> {
    private final double[] scales;
    private final BodyGraph[] bodies;
    private final String bodyOutput;
    /** Where the bodies of the scales after the first write their gradients before they are added. */
    private INDArray scratchGradients;
    private Forward forward;

    /** What backprop needs from the last training forward pass. */
    private record Forward(long[][] scaledSizes, long[][] scoreSizes, INDArray[] winners) {
    }

    MultiScaleLayerImpl(NeuralNetConfiguration conf, DataType dataType, INDArray paramsView) {
        super(conf, dataType);
        MultiScaleLayer layer = (MultiScaleLayer) conf.getLayer();
        ComputationGraphConfiguration body = layer.bodyConfiguration();
        scales = layer.getScales();
        bodyOutput = body.getNetworkOutputs().get(0);
        bodies = new BodyGraph[scales.length];
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (int s = 0; s < scales.length; s++) {
                bodies[s] = new BodyGraph(body.clone());
                bodies[s].init(paramsView.reshape(1, paramsView.length()), false);
            }
        }
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (input.rank() != 4) {
            throw new IllegalArgumentException(layerId() + ": input must be rank 4 [N,C,H,W], found shape "
                    + java.util.Arrays.toString(input.shape()));
        }
        long n = input.size(0);
        long h = input.size(2);
        long w = input.size(3);
        INDArray[] outputs = new INDArray[scales.length + 1];
        long[][] scaledSizes = new long[scales.length][];
        long[][] scoreSizes = new long[scales.length][];
        INDArray[] winners;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray image = input.dup('c');
            INDArray[] scores = new INDArray[scales.length];
            for (int s = 0; s < scales.length; s++) {
                scaledSizes[s] = new long[] {MultiScaleLayer.scaledSize(h, scales[s]), MultiScaleLayer.scaledSize(w, scales[s])};
                INDArray scaled = resize(image, scaledSizes[s][0], scaledSizes[s][1]);
                // training keeps each body's inputs for backprop; inference needs one body
                scores[s] = bodies[training ? s : 0].feedForward(new INDArray[] {scaled}, training, !training).get(bodyOutput);
                scoreSizes[s] = new long[] {scores[s].size(2), scores[s].size(3)};
                outputs[s + 1] = resize(scores[s], h, w);
            }
            INDArray[] aligned = new INDArray[scales.length];
            INDArray fused = null;
            for (int s = 0; s < scales.length; s++) {
                aligned[s] = resize(scores[s], scoreSizes[0][0], scoreSizes[0][1]);
                fused = fused == null ? aligned[s].dup() : Transforms.max(fused, aligned[s], false);
            }
            winners = training ? winners(aligned, fused) : null;
            outputs[0] = resize(fused, h, w);
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(),
                outputs.length * n, outputs[0].size(1), h, w);
        for (int i = 0; i < outputs.length; i++) {
            out.get(NDArrayIndex.interval(i * n, (i + 1) * n)).assign(outputs[i]);
        }
        forward = training ? new Forward(scaledSizes, scoreSizes, winners) : null;
        return out;
    }

    /** 0/1 masks: where each scale gave the maximum (the first such scale on ties). */
    private static INDArray[] winners(INDArray[] aligned, INDArray fused) {
        INDArray[] masks = new INDArray[aligned.length];
        INDArray taken = Nd4j.zeros(fused.dataType(), fused.shape());
        for (int s = 0; s < aligned.length; s++) {
            masks[s] = aligned[s].eq(fused).castTo(fused.dataType()).muli(taken.rsub(1));
            taken.addi(masks[s]);
        }
        return masks;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (forward == null) {
            throw new IllegalStateException("backprop through " + layerId() + " without a training forward pass");
        }
        Forward f = forward;
        long n = input.size(0);
        INDArray inputGradient;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray fusedGradient = resizeBackward(slice(epsilon, 0, n), f.scoreSizes()[0][0], f.scoreSizes()[0][1]);
            inputGradient = Nd4j.zeros(input.dataType(), input.shape());
            for (int s = 0; s < scales.length; s++) {
                long sh = f.scoreSizes()[s][0];
                long sw = f.scoreSizes()[s][1];
                INDArray scoresGradient = resizeBackward(slice(epsilon, s + 1, n), sh, sw)
                        .addi(resizeBackward(fusedGradient.mul(f.winners()[s]), sh, sw));
                INDArray scaledGradient = bodies[s].backprop(scoresGradient);
                averageRunningStatistics(bodies[s].gradientViews());
                if (s > 0) {
                    gradientsFlattened.addi(scratchGradients); // the first body wrote its gradients in place
                }
                if (scaledGradient != null) {
                    inputGradient.addi(resizeBackward(scaledGradient, input.size(2), input.size(3)));
                }
            }
        }
        forward = null;
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        gradientViews.forEach(gradient::setGradientFor);
        return new Pair<>(gradient, workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, inputGradient));
    }

    /** Each body moves batch norm's running statistics; the scales' moves are averaged, not summed. */
    private void averageRunningStatistics(Map<String, INDArray> bodyGradients) {
        MultiScaleLayer conf = layerConf();
        bodyGradients.forEach((bodyKey, view) -> {
            int split = bodyKey.lastIndexOf('_');
            if (conf.param(MultiScaleLayer.key(bodyKey.substring(0, split), bodyKey.substring(split + 1))).runningStatistic()) {
                view.divi(scales.length);
            }
        });
    }

    private static INDArray slice(INDArray stacked, int index, long n) {
        return stacked.get(NDArrayIndex.interval(index * n, (index + 1) * n)).dup('c');
    }

    private static INDArray resize(INDArray x, long height, long width) {
        if (x.size(2) == height && x.size(3) == width) {
            return x;
        }
        return BilinearInterpolation.resize(x, height, width, CORNERS);
    }

    /** The gradient of {@link #resize} from {@code height x width} to {@code epsilon}'s size. */
    private static INDArray resizeBackward(INDArray epsilon, long height, long width) {
        if (epsilon.size(2) == height && epsilon.size(3) == width) {
            return epsilon.dup('c');
        }
        DataType type = epsilon.dataType();
        INDArray rowsT = BilinearInterpolation.matrix(height, epsilon.size(2), type, CORNERS).transpose();
        INDArray cols = BilinearInterpolation.matrix(width, epsilon.size(3), type, CORNERS);
        INDArray out = Nd4j.createUninitialized(type, new long[] {epsilon.size(0), epsilon.size(1), height, width}, 'c');
        BilinearInterpolation.apply(epsilon.dup('c'), rowsT, cols, out, LayerWorkspaceMgr.noWorkspaces(), ArrayType.BP_WORKING_MEM);
        return out;
    }

    /** The first body writes its gradients into this layer's view; the others into one scratch buffer, then added. */
    @Override
    public void setBackpropGradientsViewArray(INDArray gradients) {
        super.setBackpropGradientsViewArray(gradients);
        bodies[0].shareGradients(gradients);
        if (bodies.length > 1) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                scratchGradients = Nd4j.create(gradients.dataType(), gradients.shape());
            }
            for (int s = 1; s < bodies.length; s++) {
                bodies[s].shareGradients(scratchGradients);
            }
        }
    }

    /** Without batch norm's running statistics when {@code backpropParamsOnly}. */
    @Override
    public Map<String, INDArray> paramTable(boolean backpropParamsOnly) {
        Map<String, INDArray> table = new LinkedHashMap<>(params);
        if (backpropParamsOnly) {
            table.keySet().removeIf(k -> layerConf().param(k).runningStatistic());
        }
        return table;
    }

    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        return !layerConf().param(paramName).runningStatistic();
    }

    @Override
    public Layer.Type type() {
        return Layer.Type.CONVOLUTIONAL;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public boolean hasBias() {
        return false;
    }

    @Override
    public void clear() {
        super.clear();
        forward = null;
        for (BodyGraph body : bodies) {
            body.clearLayersStates();
        }
    }
}
