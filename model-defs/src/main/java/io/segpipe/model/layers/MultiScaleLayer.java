package io.segpipe.model.layers;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * Multi-scale inputs with shared weights, DeepLab v2's "MSC" (Chen, Papandreou, Kokkinos, Murphy,
 * Yuille, "DeepLab: Semantic Image Segmentation with Deep Convolutional Nets, Atrous Convolution,
 * and Fully Connected CRFs", TPAMI 2018, section 4.1): one sub-network, the <i>body</i> (image to
 * class scores), runs on the input resized to each of {@link #getScales()} (1, 0.75, 0.5) with one
 * set of weights; the scores of the smaller scales are resized bilinearly to the size of the
 * full-scale scores and fused by their element-wise maximum. Every output is supervised.
 *
 * <p><b>Why a layer that holds a network.</b> DL4J has no weight sharing between the vertices of a
 * graph: three copies of the body in one graph would have three sets of weights. This layer owns
 * the body's parameters (part of the network's parameter vector, saved, averaged and updated like
 * any layer's) and runs one copy of the body per scale, {@link org.deeplearning4j.nn.graph.ComputationGraph}s
 * whose parameters are views of that one array, summing their gradients: the weights are shared
 * exactly, and the network trains with {@code fit}, in Spark and from model files like any other.
 * It is a layer, not a graph vertex, because DL4J counts and fits only layers' parameters
 * ({@code ComputationGraph.numParams()} sums layers; {@code fit} does nothing when that is 0), and
 * so the training job's updater, weight decay and learning rate reach it as they reach every layer.
 *
 * <p><b>Output.</b> The fused scores and each scale's scores, each resized bilinearly to the input
 * size ({@code align_corners}, as {@link BilinearResizeVertex}), stacked in the batch dimension:
 * {@code [(1 + scales)·N, K, H, W]}, fused first. {@link MultiScaleLossLayer} supervises each slice
 * with the same labels and outputs the fused one, so the network's output is {@code [N, K, H, W]}.
 *
 * <p><b>Costs and differences from the paper's Caffe model.</b>
 * <ul>
 *   <li>The body runs without DL4J workspaces (its graphs would otherwise open the workspaces of
 *       the enclosing graph, which share their names on the same thread), so its activations are
 *       plain allocations: slower per step than the same layers with workspaces.</li>
 *   <li>Batch norm's running statistics: each scale's body moves them towards its own batch
 *       statistics; the layer averages the moves (summed, they would be three times the configured
 *       momentum). Batch norm parameters get no regularization, as in the rest of segpipe.</li>
 *   <li>The paper supervises each output against labels shrunk to that output's size; here every
 *       output is up-sampled to the input size and compared with the full-size labels, as for every
 *       other network of segpipe.</li>
 * </ul>
 */
public final class MultiScaleLayer extends BaseLayer {
    private static final Set<String> RUNNING_STATISTICS = Set.of(BatchNormalizationParamInitializer.GLOBAL_MEAN,
            BatchNormalizationParamInitializer.GLOBAL_VAR, BatchNormalizationParamInitializer.GLOBAL_LOG_STD);

    private String body;
    private double[] scales;
    private transient ComputationGraphConfiguration bodyConfiguration;
    private transient Map<String, BodyParam> bodyParams;

    /** For JSON deserialisation. */
    public MultiScaleLayer() {
    }

    /**
     * @param body the body: one NCHW input, one output (the class scores {@code [N, K, h, w]}), the
     *     network's data type; its workspace modes are set to NONE (see the class comment)
     * @param scales the input scales; the first must be 1 (the full image, at whose score size the
     *     outputs are fused), each in (0, 1]
     */
    public MultiScaleLayer(ComputationGraphConfiguration body, double... scales) {
        ComputationGraphConfiguration copy = body.clone();
        copy.setTrainingWorkspaceMode(WorkspaceMode.NONE);
        copy.setInferenceWorkspaceMode(WorkspaceMode.NONE);
        if (copy.getNetworkInputs().size() != 1 || copy.getNetworkOutputs().size() != 1) {
            throw new IllegalArgumentException("the body must have one input and one output, found inputs "
                    + copy.getNetworkInputs() + ", outputs " + copy.getNetworkOutputs());
        }
        Objects.requireNonNull(scales, "scales");
        if (scales.length < 1 || scales[0] != 1) {
            throw new IllegalArgumentException("scales must start with 1 (the full image), found " + Arrays.toString(scales));
        }
        for (double s : scales) {
            if (!(s > 0 && s <= 1)) {
                throw new IllegalArgumentException("scales must be in (0, 1], found " + Arrays.toString(scales));
            }
        }
        this.body = copy.toJson();
        this.scales = scales.clone();
    }

    /**
     * This layer's key of a body parameter. DL4J's updater splits a gradient's key at its last '_'
     * into layer and parameter, so the key has none: {@code layer1_0_conv1} / {@code W} is
     * {@code layer1.0.conv1.W}.
     */
    public static String key(String bodyVertex, String param) {
        return (bodyVertex + "." + param).replace('_', '.');
    }

    /** {@code (size - 1) * scale + 1}: corner pixels stay aligned (the TensorFlow DeepLab convention). */
    public static long scaledSize(long size, double scale) {
        return Math.max(1, (long) ((size - 1) * scale + 1));
    }

    /** The body's configuration JSON (DL4J's format). */
    public String getBody() {
        return body;
    }

    public double[] getScales() {
        return scales.clone();
    }

    /** Stacked outputs per image: the fused scores and one per scale. */
    public int outputs() {
        return 1 + scales.length;
    }

    /** The body's configuration (a new copy: callers may change it). */
    public ComputationGraphConfiguration bodyConfiguration() {
        if (bodyConfiguration == null) {
            bodyConfiguration = ComputationGraphConfiguration.fromJson(body);
        }
        return bodyConfiguration.clone();
    }

    /** A body parameter: the body layer that owns it and its name there. */
    record BodyParam(String vertex, String name, Layer layer) {
        boolean runningStatistic() {
            return layer instanceof BatchNormalization && RUNNING_STATISTICS.contains(name);
        }
    }

    BodyParam param(String key) {
        if (bodyParams == null) {
            Map<String, BodyParam> byKey = new LinkedHashMap<>();
            bodyConfiguration().getVertices().forEach((vertex, v) -> {
                if (v instanceof LayerVertex lv) {
                    Layer l = lv.getLayerConf().getLayer();
                    l.initializer().paramKeys(l).forEach(p -> byKey.put(key(vertex, p), new BodyParam(vertex, p, l)));
                }
            });
            bodyParams = byKey;
        }
        BodyParam p = bodyParams.get(key);
        if (p == null) {
            throw new IllegalArgumentException(getLayerName() + " has no parameter " + key);
        }
        return p;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        if (bodyConfiguration().getDataType() != networkDataType) {
            throw new IllegalArgumentException("the body of " + getLayerName() + " has data type "
                    + bodyConfiguration().getDataType() + ", the network " + networkDataType);
        }
        MultiScaleLayerImpl layer = new MultiScaleLayerImpl(conf, networkDataType, layerParamsView);
        return LayerWiring.wire(layer, conf, trainingListeners, layerIndex, layerParamsView, initializeParams, initializer());
    }

    @Override
    public ParamInitializer initializer() {
        return MultiScaleParamInitializer.INSTANCE;
    }

    /** Batch norm's running statistics keep their no-op update; everything else trains with this layer's updater. */
    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return param(paramName).runningStatistic() ? new NoOp() : super.getUpdaterByParam(paramName);
    }

    /** This layer's weight and bias regularization, none on batch norm (as segpipe's training sets it for every layer). */
    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        if (param(paramName).layer() instanceof BatchNormalization) {
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
        if (!(inputType instanceof InputType.InputTypeConvolutional in) || in.getFormat() != CNN2DFormat.NCHW) {
            throw new InvalidInputTypeException("MultiScaleLayer takes an NCHW convolutional input, found " + inputType);
        }
        ComputationGraphConfiguration conf = bodyConfiguration();
        InputType scores = conf.getLayerActivationTypes(in).get(conf.getNetworkOutputs().get(0));
        if (!(scores instanceof InputType.InputTypeConvolutional s)) {
            throw new InvalidInputTypeException("the body's output must be convolutional, found " + scores);
        }
        return InputType.convolutional(in.getHeight(), in.getWidth(), s.getChannels());
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        // the body fixes its own input channels
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType output = getOutputType(-1, inputType);
        return new LayerMemoryReport.Builder(getLayerName(), MultiScaleLayer.class, inputType, output)
                .standardMemory(initializer().numParams(this), 0)
                .workingMemory(0, 0, 0, 0)
                .cacheMemory(0, 0)
                .build();
    }

    @Override
    public MultiScaleLayer clone() {
        MultiScaleLayer c = (MultiScaleLayer) super.clone();
        c.scales = scales.clone();
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiScaleLayer m && super.equals(o) && Objects.equals(m.body, body) && Arrays.equals(m.scales, scales);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), body, Arrays.hashCode(scales));
    }
}
