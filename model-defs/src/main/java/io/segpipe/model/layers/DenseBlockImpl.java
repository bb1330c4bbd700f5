package io.segpipe.model.layers;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Runtime side of {@link DenseBlock}. Forward: the input is copied into the first channels of the
 * output, and each layer reads the channels written so far and writes its own after them; its batch
 * norm, ReLU and convolution run in a scratch workspace that is reset after the layer. Backward:
 * from the last layer to the first, the layer's input is read back from the output, its batch norm
 * and ReLU recomputed (the same batch statistics: the same input), and its convolution and batch
 * norm backpropagated, adding the input gradient into the gradient of the channels it read.
 */
final class DenseBlockImpl extends BaseLayer<DenseBlock> {
    /** One per thread, shared by every block: only one layer of one block runs at a time. */
    private static final String SCRATCH = "SEGPIPE_DENSE_BLOCK_LAYER";
    /** DL4J's own configuration for a layer's working memory, learning the largest layer's need. */
    private static final WorkspaceConfiguration SCRATCH_CONFIG = WorkspaceConfiguration.builder()
            .initialSize(0)
            .overallocationLimit(0.02)
            .policyLearning(LearningPolicy.OVER_TIME)
            .cyclesBeforeInitialization(16)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .build();
    /** Every array type in the scratch workspace; one per layer (DL4J's helpers keep state in a manager). */
    private final LayerWorkspaceMgr scratchMgr = scratchManager();

    private BatchNormReluImpl[] norms;
    private LinearConvolutionImpl[] convolutions;
    private Dropout[] dropouts;
    /** The whole concatenation of the last training forward pass (the output, unless only new maps are output). */
    private INDArray concatenation;

    DenseBlockImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private static LayerWorkspaceMgr scratchManager() {
        LayerWorkspaceMgr.Builder b = LayerWorkspaceMgr.builder();
        for (ArrayType type : ArrayType.values()) {
            b.with(type, SCRATCH, SCRATCH_CONFIG);
        }
        return b.build();
    }

    /** The layers' batch norms and convolutions, on this layer's parameter views (called once, at instantiation). */
    void createSublayers(INDArray paramsView, DataType dataType) {
        DenseBlock block = layerConf();
        List<FeedForwardLayer> subs = block.allSublayers();
        List<INDArray> slices = DenseBlockParamInitializer.slices(block, paramsView);
        norms = new BatchNormReluImpl[block.getLayers()];
        convolutions = new LinearConvolutionImpl[block.getLayers()];
        dropouts = new Dropout[block.getLayers()];
        for (int i = 0; i < block.getLayers(); i++) {
            norms[i] = (BatchNormReluImpl) instantiate(subs.get(2 * i), slices.get(2 * i), dataType);
            convolutions[i] = (LinearConvolutionImpl) instantiate(subs.get(2 * i + 1), slices.get(2 * i + 1), dataType);
            dropouts[i] = block.getDropout() > 0 ? new Dropout(1 - block.getDropout()) : null; // DL4J takes the retain probability
        }
    }

    private Layer instantiate(FeedForwardLayer sub, INDArray view, DataType dataType) {
        return sub.instantiate(DenseBlock.confFor(conf, sub), List.of(), getIndex(), view, false, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        DenseBlock block = layerConf();
        if (input.rank() != 4 || input.size(1) != block.getNIn()) {
            throw new IllegalArgumentException(layerId() + ": input must be [N, " + block.getNIn() + ", H, W], found shape "
                    + Arrays.toString(input.shape()));
        }
        long inputChannels = block.getNIn();
        long[] shape = {input.size(0), inputChannels + (long) block.getLayers() * block.getGrowth(), input.size(2), input.size(3)};
        INDArray all = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), shape, 'c');
        all.get(channels(0, inputChannels)).assign(input);
        int iteration = conf.getIterationCount();
        int epoch = conf.getEpochCount();
        for (int i = 0; i < block.getLayers(); i++) {
            long in = block.layerInputChannels(i);
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(SCRATCH_CONFIG, SCRATCH)) {
                INDArray out = normaliseAndConvolve(i, all.get(channels(0, in)).dup('c'), training);
                if (training && dropouts[i] != null) {
                    // the mask lives in the graph's workspace, for backprop
                    dropouts[i].applyDropout(out, out, iteration, epoch, workspaceMgr);
                }
                all.get(channels(in, in + block.getGrowth())).assign(out);
            } finally {
                norms[i].clear();
                convolutions[i].clear();
            }
        }
        concatenation = training ? all : null;
        return block.isNewMapsOnly()
                ? workspaceMgr.dup(ArrayType.ACTIVATIONS, all.get(channels(inputChannels, shape[1])), 'c')
                : all;
    }

    /** Layer {@code i}'s batch norm, ReLU and convolution on its input, in the scratch workspace. */
    private INDArray normaliseAndConvolve(int i, INDArray layerInput, boolean training) {
        norms[i].setInput(layerInput, scratchMgr);
        INDArray normalised = norms[i].activate(training, scratchMgr);
        convolutions[i].setInput(normalised, scratchMgr);
        return convolutions[i].activate(training, scratchMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (concatenation == null) {
            throw new IllegalStateException("backprop through " + layerId() + " without a training forward pass");
        }
        DenseBlock block = layerConf();
        long inputChannels = block.getNIn();
        long total = concatenation.size(1);
        INDArray gradient = workspaceMgr.create(ArrayType.BP_WORKING_MEM, epsilon.dataType(), concatenation.shape(), 'c');
        gradient.get(channels(block.isNewMapsOnly() ? inputChannels : 0, total)).assign(epsilon);
        int iteration = conf.getIterationCount();
        int epoch = conf.getEpochCount();
        for (int i = block.getLayers() - 1; i >= 0; i--) {
            long in = block.layerInputChannels(i);
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(SCRATCH_CONFIG, SCRATCH)) {
                INDArray outputGradient = gradient.get(channels(in, in + block.getGrowth())).dup('c');
                if (dropouts[i] != null) {
                    dropouts[i].backprop(outputGradient, outputGradient, iteration, epoch);
                }
                // recompute what the convolution's backprop reads: its input, the batch norm's ReLU output
                norms[i].setInput(concatenation.get(channels(0, in)).dup('c'), scratchMgr);
                convolutions[i].setInput(norms[i].activate(true, scratchMgr), scratchMgr);
                INDArray normalisedGradient = convolutions[i].backpropGradient(outputGradient, scratchMgr).getSecond();
                INDArray inputGradient = norms[i].backpropGradient(normalisedGradient, scratchMgr).getSecond();
                gradient.get(channels(0, in)).addi(inputGradient);
            } finally {
                norms[i].clear();
                convolutions[i].clear();
            }
        }
        concatenation = null;
        Gradient g = new DefaultGradient(gradientsFlattened);
        gradientViews.forEach(g::setGradientFor);
        return new Pair<>(g, workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, gradient.get(channels(0, inputChannels)), 'c'));
    }

    /** Channels {@code [from, to)} of an NCHW array. */
    private static INDArrayIndex[] channels(long from, long to) {
        return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all()};
    }

    /** Each sublayer writes its gradients into its slice of this layer's gradient view. */
    @Override
    public void setBackpropGradientsViewArray(INDArray gradients) {
        super.setBackpropGradientsViewArray(gradients);
        List<INDArray> slices = DenseBlockParamInitializer.slices(layerConf(), gradients);
        for (int i = 0; i < norms.length; i++) {
            norms[i].setBackpropGradientsViewArray(slices.get(2 * i));
            convolutions[i].setBackpropGradientsViewArray(slices.get(2 * i + 1));
        }
    }

    /** Without batch norm's running statistics when {@code backpropParamsOnly}. */
    @Override
    public Map<String, INDArray> paramTable(boolean backpropParamsOnly) {
        Map<String, INDArray> table = new LinkedHashMap<>(params);
        if (backpropParamsOnly) {
            table.keySet().removeIf(DenseBlock::runningStatistic);
        }
        return table;
    }

    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        return !DenseBlock.runningStatistic(paramName);
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
        concatenation = null;
        for (int i = 0; i < norms.length; i++) {
            norms[i].clear();
            convolutions[i].clear();
            if (dropouts[i] != null) {
                dropouts[i].clear();
            }
        }
    }
}
