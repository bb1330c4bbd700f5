package io.segpipe.model.layers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The parameters of a {@link DenseBlock}: those of each layer's batch norm and convolution, as
 * their own DL4J initialisers lay them out and initialise them, one after the other
 * ({@code bn0, conv0, bn1, conv1, ...}), keyed {@code bn<i>.<name>} and {@code conv<i>.<name>}.
 */
final class DenseBlockParamInitializer implements ParamInitializer {
    static final DenseBlockParamInitializer INSTANCE = new DenseBlockParamInitializer();

    private DenseBlockParamInitializer() {
    }

    /** Prefix of the keys of the {@code index}-th sublayer of {@link DenseBlock#allSublayers()}. */
    static String prefix(int index) {
        return (index % 2 == 0 ? "bn" : "conv") + index / 2 + ".";
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        long total = 0;
        for (FeedForwardLayer sub : block(layer).allSublayers()) {
            total += sub.initializer().numParams(sub);
        }
        return total;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        List<String> keys = new ArrayList<>();
        List<FeedForwardLayer> subs = block(layer).allSublayers();
        for (int s = 0; s < subs.size(); s++) {
            for (String key : subs.get(s).initializer().paramKeys(subs.get(s))) {
                keys.add(prefix(s) + key);
            }
        }
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
        return ask(layer, key, (sub, name) -> sub.initializer().isWeightParam(sub, name));
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return ask(layer, key, (sub, name) -> sub.initializer().isBiasParam(sub, name));
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        Map<String, INDArray> views = views(conf, paramsView,
                (sub, view) -> sub.initializer().init(DenseBlock.confFor(conf, sub), view, initializeParams));
        views.keySet().forEach(conf::addVariable); // as DL4J's own initialisers record their parameters
        return views;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(conf, gradientView,
                (sub, view) -> sub.initializer().getGradientsFromFlattened(DenseBlock.confFor(conf, sub), view));
    }

    /** Each sublayer's views of its slice of {@code flat}, in order, under the block's keys. */
    private static Map<String, INDArray> views(NeuralNetConfiguration conf, INDArray flat,
            BiFunction<FeedForwardLayer, INDArray, Map<String, INDArray>> viewsOfSublayer) {
        Map<String, INDArray> views = new LinkedHashMap<>();
        List<INDArray> slices = slices(block(conf.getLayer()), flat);
        List<FeedForwardLayer> subs = block(conf.getLayer()).allSublayers();
        for (int s = 0; s < subs.size(); s++) {
            String prefix = prefix(s);
            viewsOfSublayer.apply(subs.get(s), slices.get(s)).forEach((key, view) -> views.put(prefix + key, view));
        }
        return views;
    }

    /** {@code flat} cut into one view per sublayer of {@link DenseBlock#allSublayers()}, of the rank {@code flat} has. */
    static List<INDArray> slices(DenseBlock block, INDArray flat) {
        List<INDArray> slices = new ArrayList<>();
        long offset = 0;
        for (FeedForwardLayer sub : block.allSublayers()) {
            long n = sub.initializer().numParams(sub);
            slices.add(flat.rank() == 1
                    ? flat.get(NDArrayIndex.interval(offset, offset + n))
                    : flat.get(NDArrayIndex.interval(0, 0, true), NDArrayIndex.interval(offset, offset + n)));
            offset += n;
        }
        if (offset != flat.length()) {
            throw new IllegalArgumentException(block.getLayerName() + ": a parameter array of " + flat.length()
                    + " values for a dense block of " + offset);
        }
        return slices;
    }

    /** {@code question} put to the sublayer a block key names, with the key's name in that sublayer. */
    private static boolean ask(Layer layer, String key, BiFunction<FeedForwardLayer, String, Boolean> question) {
        int dot = key.indexOf('.');
        String kind = key.startsWith("bn") ? "bn" : "conv";
        if (dot < 0 || !key.startsWith(kind)) {
            throw new IllegalArgumentException(layer.getLayerName() + " has no parameter " + key);
        }
        int i = Integer.parseInt(key.substring(kind.length(), dot));
        FeedForwardLayer sub = block(layer).sublayers(i).get(kind.equals("bn") ? 0 : 1);
        return question.apply(sub, key.substring(dot + 1));
    }

    private static DenseBlock block(Layer layer) {
        if (!(layer instanceof DenseBlock d)) {
            throw new IllegalArgumentException("not a DenseBlock: " + layer);
        }
        return d;
    }
}
