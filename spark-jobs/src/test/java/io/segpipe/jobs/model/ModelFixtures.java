package io.segpipe.jobs.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.Json;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.ClassWeights;
import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.schema.SplitStats;

/** Complete, valid model directories for tests that need a model but not a training run. */
public final class ModelFixtures {

    private ModelFixtures() {
    }

    /** A dataset manifest of {@code classes}, as data-prep writes it, with small made-up statistics. */
    public static String manifestJson(ClassTable classes) {
        int k = classes.numClasses();
        long[] pixels = IntStream.range(0, k).mapToLong(c -> 100L * (k - c)).toArray();
        long[] imagePixels = IntStream.range(0, k).mapToLong(c -> 1000L).toArray();
        SplitStats stats = SplitStats.of(4, java.util.Arrays.stream(pixels).sum() + 24, 24, pixels, imagePixels);
        DatasetManifest m = new DatasetManifest(DatasetManifest.FORMAT, 1, "2024-01-01T00:00:00Z", "test", "data",
                "quarantine.jsonl", 4, 0, Map.of("train", stats), classes, ClassWeights.compute("train", stats),
                JsonNodeFactory.instance.objectNode());
        return Json.write(m);
    }

    /**
     * Model-directory metadata for {@code spec} trained on a dataset of {@code classes}, recording
     * [0, 1] normalisation, input scale 1 and whole-image inference in batches of 4.
     */
    public static ModelDirectory.Info info(SegmentationSpec spec, ClassTable classes) {
        EpochMetrics e1 = new EpochMetrics(1, 1.2, 0.01, 8, 2.0, 4.0, 0, null, null, null, 0);
        List<Double> perClass = IntStream.range(0, classes.numClasses()).mapToObj(c -> c == 2 ? Double.NaN : 0.9 - 0.1 * c)
                .toList();
        EpochMetrics e2 = new EpochMetrics(2, 0.9, 0.009, 8, 2.0, 4.0, 1, 0.5, 0.8, perClass, 0.5);
        String manifest = manifestJson(classes);
        Provenance p = new Provenance(ModelDirectory.FORMAT, ModelDirectory.FORMAT_VERSION,
                new Provenance.SystemInfo("test", "1.0.0-M2.1", "3.5.7", "17", List.of("localhost")),
                new Provenance.Training(7, "2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z", "PARAMETER_AVERAGING",
                        JsonNodeFactory.instance.objectNode().put("workers", 2), 2, 2, 0.5, null),
                new Provenance.Data("file:/data", DatasetManifest.sha256(manifest)));
        return new ModelDirectory.Info(spec, "{\"epochs\": 2}", manifest, new MetricsHistory(List.of(e1, e2)), p,
                InferenceDefaults.UNRECORDED);
    }

    /** Classes named {@code class0..}, ignore label 255. */
    public static ClassTable classes(int numClasses) {
        return ClassTable.of(255, IntStream.range(0, numClasses).mapToObj(c -> "class" + c).toArray(String[]::new));
    }

    /** Writes {@code network} as a complete model directory at {@code dir} and returns {@code dir}. */
    public static String write(String dir, ComputationGraph network, SegmentationSpec spec) {
        try {
            ModelDirectory.write(dir, new Configuration(), network, info(spec, classes(spec.numClasses())), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
