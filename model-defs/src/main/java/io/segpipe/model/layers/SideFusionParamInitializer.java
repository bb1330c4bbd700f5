package io.segpipe.model.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The one parameter of a {@link SideFusion}: {@code W}, {@code [outputs, classes]}, every entry {@code 1/outputs} at first. */
final class SideFusionParamInitializer implements ParamInitializer {
    static final String WEIGHT_KEY = "W";
    static final SideFusionParamInitializer INSTANCE = new SideFusionParamInitializer();

    private SideFusionParamInitializer() {
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        SideFusion f = fusion(layer);
        return (long) f.getOutputs() * f.getClasses();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return List.of(WEIGHT_KEY);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(WEIGHT_KEY);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return WEIGHT_KEY.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return false;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        conf.addVariable(WEIGHT_KEY);
        Map<String, INDArray> views = view(conf, paramsView);
        if (initializeParams) {
            views.get(WEIGHT_KEY).assign(1.0 / fusion(conf.getLayer()).getOutputs());
        }
        return views;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return view(conf, gradientView);
    }

    /** {@code flat} ({@code [1, outputs·classes]}) as the {@code [outputs, classes]} matrix it holds, a view. */
    private static Map<String, INDArray> view(NeuralNetConfiguration conf, INDArray flat) {
        SideFusion f = fusion(conf.getLayer());
        if (flat.length() != (long) f.getOutputs() * f.getClasses()) {
            throw new IllegalStateException(f.getLayerName() + ": expected " + f.getOutputs() * f.getClasses()
                    + " parameters, found " + flat.length());
        }
        Map<String, INDArray> views = new LinkedHashMap<>();
        views.put(WEIGHT_KEY, flat.reshape('c', f.getOutputs(), f.getClasses()));
        return views;
    }

    private static SideFusion fusion(Layer layer) {
        if (!(layer instanceof SideFusion f)) {
            throw new IllegalArgumentException("not a SideFusion: " + layer);
        }
        return f;
    }
}
