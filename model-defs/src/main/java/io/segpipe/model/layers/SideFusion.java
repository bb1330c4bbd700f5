package io.segpipe.model.layers;

import java.util.Collection;
import java.util.List;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * The learned fusion of several class-score maps, per class: the input stacks {@code outputs} maps
 * of {@code classes} channels each along the channels ({@code [N, outputs·K, H, W]}, map {@code j}
 * in channels {@code [j·K, (j+1)·K)}), the output is {@code [N, K, H, W]} with
 * {@code out[c] = Σ_j W[j, c] · in[j·K + c]}. Every weight starts at {@code 1/outputs}, the mean of
 * the maps. This is HED's fusion layer (Xie and Tu, ICCV 2015, section 2.3: a weighted sum of the
 * side outputs, learned with them) with a weight per class, as Shen et al. (DeepContour, CVPR 2015)
 * and FSDS (CVPR 2016) fuse per class. The weights are not regularised: decaying them towards 0
 * would only shrink the fused scores.
 */
public final class SideFusion extends BaseLayer {
    private int outputs;
    private int classes;

    /** For JSON deserialisation. */
    public SideFusion() {
    }

    private SideFusion(Builder builder) {
        super(builder);
        this.outputs = builder.outputs;
        this.classes = builder.classes;
    }

    public int getOutputs() {
        return outputs;
    }

    public int getClasses() {
        return classes;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners, int layerIndex,
            INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return LayerWiring.wire(new SideFusionImpl(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams, initializer());
    }

    @Override
    public ParamInitializer initializer() {
        return SideFusionParamInitializer.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional in) || in.getChannels() != (long) outputs * classes) {
            throw new IllegalArgumentException(getLayerName() + ": input must be convolutional with " + outputs + " x "
                    + classes + " channels, found " + inputType);
        }
        return InputType.convolutional(in.getHeight(), in.getWidth(), classes);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        // sizes are fixed at construction
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return List.of();
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType output = getOutputType(-1, inputType);
        long params = initializer().numParams(this);
        return new LayerMemoryReport.Builder(getLayerName(), SideFusion.class, inputType, output)
                .standardMemory(params, getIUpdater().stateSize(params))
                .workingMemory(0, 0, 0, output.arrayElementsPerExample())
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS).build();
    }

    @Override
    public SideFusion clone() {
        return (SideFusion) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SideFusion f && f.outputs == outputs && f.classes == classes && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * super.hashCode() + outputs) + classes;
    }

    /** Fuses {@code outputs} score maps of {@code classes} channels. */
    public static final class Builder extends BaseLayer.Builder<Builder> {
        private final int outputs;
        private final int classes;

        public Builder(int outputs, int classes) {
            if (outputs < 1 || classes < 1) {
                throw new IllegalArgumentException("a SideFusion needs outputs >= 1 and classes >= 1, found " + outputs
                        + " and " + classes);
            }
            this.outputs = outputs;
            this.classes = classes;
            activation(org.nd4j.linalg.activations.Activation.IDENTITY); // the fusion is linear; it has no activation
        }

        @Override
        @SuppressWarnings("unchecked")
        public SideFusion build() {
            return new SideFusion(this);
        }
    }
}
