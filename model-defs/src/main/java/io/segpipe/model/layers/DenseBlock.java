package io.segpipe.model.layers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * A dense block of FC-DenseNet (Jégou et al., "The One Hundred Layers Tiramisu", CVPR Workshops
 * 2017; after Huang et al., "Densely Connected Convolutional Networks", CVPR 2017) in one layer,
 * with the memory of its length rather than of its square (Pleiss, Chen, Huang, Li, van der Maaten,
 * Weinberger, "Memory-Efficient Implementation of DenseNets", 2017).
 *
 * <p>The block: {@link #getLayers()} layers, layer {@code i} being batch norm, ReLU, a 3x3
 * convolution to {@link #getGrowth()} channels and dropout, applied to the channel concatenation of
 * the block's input and the outputs of layers {@code 0..i-1}. The output is that whole
 * concatenation ({@code nIn + layers·growth} channels) or, with {@link #isNewMapsOnly()}, the
 * layers' outputs alone ({@code layers·growth}: what FC-DenseNet's up path up-samples).
 *
 * <p><b>Why one layer.</b> Built from graph vertices, every layer's concatenation is a new array
 * and its batch-normalised copy another, each kept for backprop: a block holds
 * {@code Σ 2·(nIn + i·growth)} channels, quadratic in its length. Here the concatenation is one
 * array written in place (each layer appends its {@code growth} channels), the batch norm and ReLU
 * outputs are scratch that lives for one layer, and backprop recomputes them, layer by layer from
 * the last (the paper's "shared storage" and recomputation): the block keeps its output, the
 * dropout masks and a gradient buffer of the output's size, plus scratch for one layer. The
 * recomputation costs one extra batch norm per layer (no convolution), a few percent of a step.
 *
 * <p>Each layer's batch norm and convolution are segpipe's {@link BatchNormRelu} and
 * {@link LinearConvolution} (DL4J's kernels, oneDNN's on the CPU), run on views of this layer's
 * parameters, so the arithmetic, the running statistics and the parameters' updaters and
 * regularisation are exactly those of the same block built from vertices (DenseBlockTest).
 * Parameters are keyed {@code bn<i>.<name>} and {@code conv<i>.<name>}.
 */
public final class DenseBlock extends BaseLayer {
    private long nIn;
    private int layers;
    private int growth;
    private double dropout;
    private boolean newMapsOnly;

    /** For JSON deserialisation. */
    public DenseBlock() {
        setActivationFn(new ActivationIdentity()); // each layer's ReLU is its batch norm's; the block adds none
    }

    /**
     * @param nIn channels of the block's input
     * @param layers layers in the block, at least 1
     * @param growth channels each layer adds (the growth rate k), at least 1
     * @param dropout probability of dropping each unit after every convolution, in [0, 1)
     * @param newMapsOnly output only the layers' outputs, not the input with them
     */
    public DenseBlock(long nIn, int layers, int growth, double dropout, boolean newMapsOnly) {
        if (nIn < 1 || layers < 1 || growth < 1) {
            throw new IllegalArgumentException("a dense block needs nIn, layers and growth of at least 1, found nIn=" + nIn
                    + ", layers=" + layers + ", growth=" + growth);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), found " + dropout);
        }
        setActivationFn(new ActivationIdentity());
        this.nIn = nIn;
        this.layers = layers;
        this.growth = growth;
        this.dropout = dropout;
        this.newMapsOnly = newMapsOnly;
    }

    public long getNIn() {
        return nIn;
    }

    /** For JSON deserialisation (the property {@code nin}, as DL4J's layers name theirs). */
    public void setNIn(long nIn) {
        this.nIn = nIn;
    }

    public int getLayers() {
        return layers;
    }

    public int getGrowth() {
        return growth;
    }

    public double getDropout() {
        return dropout;
    }

    public boolean isNewMapsOnly() {
        return newMapsOnly;
    }

    /** Channels of the input of layer {@code i}: the block's input and the outputs of the layers before it. */
    public long layerInputChannels(int i) {
        return nIn + (long) i * growth;
    }

    /** Channels of the output: {@code layers·growth}, plus {@code nIn} unless {@link #isNewMapsOnly()}. */
    public long outputChannels() {
        return (newMapsOnly ? 0 : nIn) + (long) layers * growth;
    }

    /**
     * The configurations of layer {@code i}'s batch norm with ReLU and of its convolution, as the
     * block's network would configure them as vertices: DL4J's batch-norm defaults, a 3x3 "same"
     * convolution with bias and this layer's weight initialisation.
     */
    List<FeedForwardLayer> sublayers(int i) {
        long in = layerInputChannels(i);
        BatchNormRelu bn = new BatchNormRelu();
        bn.setNIn(in);
        bn.setNOut(in);
        bn.setLayerName(getLayerName() + "/bn" + i);
        LinearConvolution.Builder conv = new LinearConvolution.Builder(3, 3);
        conv.nIn(in).nOut(growth).convolutionMode(ConvolutionMode.Same).hasBias(true).name(getLayerName() + "/conv" + i);
        if (getWeightInitFn() != null) {
            conv.weightInit(getWeightInitFn());
        }
        conv.biasInit(getBiasInit());
        return List.of(bn, conv.build());
    }

    /** Every layer's batch norm and convolution, in parameter order: bn0, conv0, bn1, conv1, ... */
    List<FeedForwardLayer> allSublayers() {
        List<FeedForwardLayer> all = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            all.addAll(sublayers(i));
        }
        return all;
    }

    /** {@code conf} with {@code sublayer} in place of this layer (for DL4J's initialisers and layer constructors). */
    static NeuralNetConfiguration confFor(NeuralNetConfiguration conf, Layer sublayer) {
        NeuralNetConfiguration c = conf.clone();
        c.setLayer(sublayer);
        return c;
    }

    /** Batch norm's running mean and variance: moved by batch statistics, never by an updater. */
    static boolean runningStatistic(String key) {
        String name = key.substring(key.indexOf('.') + 1);
        return key.startsWith("bn") && (name.equals(BatchNormalizationParamInitializer.GLOBAL_MEAN)
                || name.equals(BatchNormalizationParamInitializer.GLOBAL_VAR)
                || name.equals(BatchNormalizationParamInitializer.GLOBAL_LOG_STD));
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        DenseBlockImpl block = LayerWiring.wire(new DenseBlockImpl(conf, networkDataType), conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams, initializer());
        block.createSublayers(layerParamsView, networkDataType);
        return block;
    }

    @Override
    public ParamInitializer initializer() {
        return DenseBlockParamInitializer.INSTANCE;
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return runningStatistic(paramName) ? new NoOp() : super.getUpdaterByParam(paramName);
    }

    /** The convolutions take this layer's regularisation; batch norm none (as segpipe's training sets it for every layer). */
    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        if (paramName.startsWith("bn")) {
            return List.of();
        }
        List<Regularization> r = super.getRegularizationByParam(paramName);
        return r == null ? List.of() : r;
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeConvolutional in = convolutional(inputType);
        return InputType.convolutional(in.getHeight(), in.getWidth(), outputChannels());
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (nIn == 0 || override) {
            nIn = convolutional(inputType).getChannels();
        }
    }

    private InputType.InputTypeConvolutional convolutional(InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional in) || in.getFormat() != CNN2DFormat.NCHW) {
            throw new InvalidInputTypeException(getLayerName() + ": a dense block takes an NCHW convolutional input, found "
                    + inputType);
        }
        if (nIn != 0 && in.getChannels() != nIn) {
            throw new InvalidInputTypeException(getLayerName() + ": the dense block was built for " + nIn
                    + " input channels, found " + in.getChannels());
        }
        return in;
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType output = getOutputType(-1, inputType);
        long params = initializer().numParams(this);
        return new LayerMemoryReport.Builder(getLayerName(), DenseBlock.class, inputType, output)
                .standardMemory(params, getIUpdater() == null ? 0 : getIUpdater().stateSize(params))
                .workingMemory(0, 0, 0, output.arrayElementsPerExample())
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS).build();
    }

    @Override
    public DenseBlock clone() {
        return (DenseBlock) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DenseBlock d && super.equals(o) && d.nIn == nIn && d.layers == layers && d.growth == growth
                && Double.compare(d.dropout, dropout) == 0 && d.newMapsOnly == newMapsOnly;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), nIn, layers, growth, dropout, newMapsOnly);
    }
}
