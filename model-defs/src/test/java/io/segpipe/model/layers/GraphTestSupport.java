package io.segpipe.model.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import io.segpipe.model.io.ModelFile;

/** Shared checks of the custom vertices and losses: gradient checks, JSON and model round trips. */
public final class GraphTestSupport {
    private GraphTestSupport() {
    }

    /** Double precision, no updater (what DL4J's GradientCheckUtil requires), Same-mode convolutions. */
    public static ComputationGraphConfiguration.GraphBuilder doubleGraph(long seed) {
        return graph(seed, DataType.DOUBLE);
    }

    /** As {@link #doubleGraph} in another precision (float takes the oneDNN kernels where they exist). */
    public static ComputationGraphConfiguration.GraphBuilder graph(long seed, DataType type) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(type)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder();
    }

    public static ComputationGraph init(ComputationGraphConfiguration conf) {
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    /**
     * Central differences in double precision on every parameter, relative error below 1e-5: a
     * gradient off by 0.1% fails (DL4J's own checks allow 1e-3).
     */
    public static void assertGradientsMatch(ComputationGraph graph, INDArray[] inputs, INDArray[] labels,
            INDArray[] labelMasks) {
        // GradientCheckUtil also insists on ND4J's global default type being double
        DataType defaultType = Nd4j.dataType();
        DataType defaultFloatingType = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        boolean ok;
        try {
            ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig()
                    .net(graph)
                    .inputs(inputs)
                    .labels(labels)
                    .labelMask(labelMasks)
                    .epsilon(1e-6)
                    .maxRelError(1e-5)
                    .minAbsoluteError(1e-9)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
                    .excludeParams(runningStatistics(graph))
                    .exitOnFirstError(false));
        } finally {
            Nd4j.setDefaultDataTypes(defaultType, defaultFloatingType);
        }
        assertTrue(ok, "gradient check failed; see the log for the failing parameters");
    }

    /**
     * Batch norm's running mean and variance: parameters to DL4J, but updated from batch statistics,
     * not by their "gradient" (DL4J's own batch-norm gradient checks exclude them too).
     */
    private static Set<String> runningStatistics(ComputationGraph graph) {
        Set<String> names = new HashSet<>();
        for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
            // layers holding batch norms (DenseBlock, MultiScaleLayer) leave them out of their backprop parameters
            for (String param : layer.paramTable(false).keySet()) {
                if (!layer.paramTable(true).containsKey(param)) {
                    names.add(layer.conf().getLayer().getLayerName() + "_" + param);
                }
            }
            if (layer instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization) {
                for (String param : List.of(BatchNormalizationParamInitializer.GLOBAL_MEAN,
                        BatchNormalizationParamInitializer.GLOBAL_VAR, BatchNormalizationParamInitializer.GLOBAL_LOG_STD)) {
                    names.add(layer.conf().getLayer().getLayerName() + "_" + param);
                }
            }
        }
        return names;
    }

    /**
     * The configuration survives DL4J's JSON, and a trained-format model file restores to a graph
     * that computes identical outputs.
     */
    public static void assertRoundTrips(ComputationGraph graph, INDArray... inputs) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        String json = conf.toJson();
        ComputationGraphConfiguration restoredConf = ComputationGraphConfiguration.fromJson(json);
        assertEquals(conf, restoredConf, "JSON round trip changed the configuration:\n" + json);
        assertEquals(json, restoredConf.toJson());

        try {
            ComputationGraph restored = ModelFile.read(ModelFile.write(graph, true), true, "round trip");
            INDArray[] expected = graph.output(false, inputs);
            INDArray[] actual = restored.output(false, inputs);
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], "output " + i + " after a model file round trip");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The gradient of one training step on {@code data} (score in {@code graph.score()}), no update. */
    public static Gradient gradient(ComputationGraph graph, MultiDataSet data) {
        graph.setInputs(data.getFeatures());
        graph.setLabels(data.getLabels());
        graph.computeGradientAndScore();
        return graph.gradient();
    }

    /** Largest absolute difference, for readable assertion messages. */
    public static double maxAbsDiff(INDArray expected, INDArray actual) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), "shape");
        return expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }
}
