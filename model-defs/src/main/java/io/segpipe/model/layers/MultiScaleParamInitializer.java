package io.segpipe.model.layers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The parameters of a {@link MultiScaleLayer}: its body's, one entry per body parameter, keyed
 * {@link MultiScaleLayer#key} and laid out as DL4J lays out the body's own parameter vector (vertices
 * in topological order, each vertex's parameters in its order), which is the order DL4J's updater
 * walks them in.
 */
final class MultiScaleParamInitializer implements ParamInitializer {
    static final MultiScaleParamInitializer INSTANCE = new MultiScaleParamInitializer();

    private MultiScaleParamInitializer() {
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        long total = 0;
        for (org.deeplearning4j.nn.conf.graph.GraphVertex v : body(layer).bodyConfiguration().getVertices().values()) {
            total += v.numParams(true);
        }
        return total;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        List<String> keys = new ArrayList<>();
        body(layer).bodyConfiguration().getVertices().forEach((name, v) -> {
            if (v instanceof LayerVertex lv) {
                Layer l = lv.getLayerConf().getLayer();
                l.initializer().paramKeys(l).forEach(p -> keys.add(MultiScaleLayer.key(name, p)));
            }
        });
        return keys;
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return paramKeys(layer).stream().filter(k -> isWeightParam(layer, k)).toList();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return paramKeys(layer).stream().filter(k -> isBiasParam(layer, k)).toList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        MultiScaleLayer.BodyParam p = body(layer).param(key);
        return p.layer().initializer().isWeightParam(p.layer(), p.name());
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        MultiScaleLayer.BodyParam p = body(layer).param(key);
        return p.layer().initializer().isBiasParam(p.layer(), p.name());
    }

    /** Views of {@code paramsView}, drawn from the body's own initialisation (its seed) when {@code initializeParams}. */
    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        MultiScaleLayer layer = body(conf.getLayer());
        if (initializeParams) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                ComputationGraph fresh = new ComputationGraph(layer.bodyConfiguration());
                fresh.init();
                paramsView.assign(fresh.params().reshape(paramsView.shape()));
            }
        }
        return views(layer, paramsView);
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(body(conf.getLayer()), gradientView);
    }

    /** {@code flat}'s views, one per body parameter, in the body's parameter order. */
    static Map<String, INDArray> views(MultiScaleLayer layer, INDArray flat) {
        // a body initialised on the array lays out its parameters exactly as DL4J does; nothing is copied
        ComputationGraph layout = new ComputationGraph(layer.bodyConfiguration());
        layout.init(flat.reshape(1, flat.length()), false);
        Map<String, INDArray> views = new LinkedHashMap<>();
        GraphVertex[] vertices = layout.getVertices();
        for (int index : layout.topologicalSortOrder()) {
            GraphVertex v = vertices[index];
            if (v.numParams() > 0) {
                v.paramTable(false).forEach((name, view) -> views.put(MultiScaleLayer.key(v.getVertexName(), name), view));
            }
        }
        return views;
    }

    private static MultiScaleLayer body(Layer layer) {
        if (!(layer instanceof MultiScaleLayer m)) {
            throw new IllegalArgumentException("not a MultiScaleLayer: " + layer);
        }
        return m;
    }
}
