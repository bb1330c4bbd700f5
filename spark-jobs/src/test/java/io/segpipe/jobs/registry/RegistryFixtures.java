package io.segpipe.jobs.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.segpipe.jobs.model.EpochMetrics;
import io.segpipe.jobs.model.MetricsHistory;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.jobs.model.Provenance;
import io.segpipe.model.arch.Architectures;
import io.segpipe.model.arch.TinySpecs;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.predict.Labels;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.Json;
import io.segpipe.prep.schema.ClassWeights;
import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.schema.SplitStats;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;

/** A tiny complete model directory to register, and helpers for registry tests. */
public final class RegistryFixtures {

    private static Path template;

    private RegistryFixtures() {
    }

    /** Copies a complete tiny model directory to {@code dir} (built once per JVM). */
    public static synchronized void modelDirectory(Path dir) {
        try {
            if (template == null) {
                Path t = Files.createTempDirectory("registry-fixture").resolve("model");
                writeModel(t);
                template = t;
            }
            copyTree(template, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    private static void writeModel(Path dir) throws IOException {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(TinySpecs.THREADS);
        SegmentationSpec spec = TinySpecs.of(Architecture.UNET, 4);
        ComputationGraph net = Architectures.create(spec);
        net.fit(new DataSet(Nd4j.rand(DataType.FLOAT, 1, 3, 16, 16),
                Labels.oneHot(Nd4j.zeros(DataType.INT, 1, 16, 16), spec)));
        SplitStats stats = SplitStats.of(4, 1024, 24, new long[] {700, 100, 100, 100},
                new long[] {1000, 500, 500, 400});
        String manifest = Json.write(new DatasetManifest(DatasetManifest.FORMAT, 1, "2024-01-01T00:00:00Z", "test",
                "data", "quarantine.jsonl", 4, 0, Map.of("train", stats), SyntheticDatasetGenerator.classTable(),
                ClassWeights.compute("train", stats), JsonNodeFactory.instance.objectNode()));
        Provenance p = new Provenance(ModelDirectory.FORMAT, ModelDirectory.FORMAT_VERSION,
                new Provenance.SystemInfo("test", "1.0.0-M2.1", "3.5.7", "17", List.of("localhost")),
                new Provenance.Training(7, "2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z", "PARAMETER_AVERAGING",
                        JsonNodeFactory.instance.objectNode(), 1, 1, null, null),
                new Provenance.Data("file:/data", DatasetManifest.sha256(manifest)));
        MetricsHistory metrics = new MetricsHistory(List.of(
                new EpochMetrics(1, 1.2, 0.01, 1, 1.0, 1.0, 0, null, null, null, 0)));
        ModelDirectory.write(dir.toString(), new Configuration(), net,
                new ModelDirectory.Info(spec, "{}", manifest, metrics, p), false);
    }

    public static VersionInfo.Details details(double meanIoU) {
        return new VersionInfo.Details(null, "file:/data", "abc", "val", Map.of("meanIoU", meanIoU));
    }

    /** Stages a model directory in the run's work area and registers it. */
    public static VersionInfo stageAndRegister(ModelRegistry registry, RegistryLock lock, double meanIoU)
            throws IOException {
        org.apache.hadoop.fs.Path staged = new org.apache.hadoop.fs.Path(registry.stagingDir(lock), "model");
        modelDirectory(Path.of(staged.toUri()));
        return registry.register(lock, staged, details(meanIoU));
    }

    /** Stages a copy of the local model directory {@code model} in the run's work area and registers it. */
    public static VersionInfo stageAndRegister(ModelRegistry registry, RegistryLock lock, Path model, double meanIoU)
            throws IOException {
        org.apache.hadoop.fs.Path staged = new org.apache.hadoop.fs.Path(registry.stagingDir(lock), "model");
        copyTree(model, Path.of(staged.toUri()));
        return registry.register(lock, staged, details(meanIoU));
    }

    /**
     * A registry at {@code root} holding {@code versions} copies of {@code model} (the tiny fixture
     * model when null), the first {@code promoted} of them promoted in order.
     */
    public static ModelRegistry registry(Path root, Path model, int versions, int promoted) throws IOException {
        ModelRegistry registry = ModelRegistry.open(root.toString(), new Configuration());
        try (RegistryLock lock = registry.lock("setup", LockSettings.DEFAULT)) {
            for (int v = 1; v <= versions; v++) {
                if (model == null) {
                    stageAndRegister(registry, lock, 0.5 + v / 100.0);
                } else {
                    stageAndRegister(registry, lock, model, 0.5 + v / 100.0);
                }
            }
            for (int v = 1; v <= promoted; v++) {
                registry.promote(lock, v, "promotion " + v);
            }
        }
        return registry;
    }

    /** Changes one byte of version {@code version}'s model and its recorded hash consistently, as a tamperer would. */
    public static void replaceModel(Path root, int version) throws IOException {
        Path dir = root.resolve(ModelRegistry.VERSIONS).resolve(ModelRegistry.versionName(version));
        byte[] other = Files.readAllBytes(dir.resolve(ModelDirectory.MODEL));
        other[other.length / 2] ^= 1;
        Files.write(dir.resolve(ModelDirectory.MODEL), other);
        Files.writeString(dir.resolve(ModelDirectory.MODEL_SHA256), io.segpipe.prep.Hashes.sha256Hex(other)
                + "  model.zip\n");
        Files.deleteIfExists(dir.resolve(".model.zip.crc"));
        Files.deleteIfExists(dir.resolve(".model.sha256.crc"));
    }

    public static HistoryRecord record(String runId, Instant finishedAt, RunOutcome outcome, String reason) {
        return new HistoryRecord(runId, finishedAt.minusSeconds(60).toString(), finishedAt.toString(), "host",
                outcome, reason, "meanIoU", 0.01, null, "file:/data", "abc", 4, "train", "val", null, null, null,
                null, Map.of(), Map.of("meanIoU", 0.5), Map.of("total", 60.0), null, null, null, null);
    }
}
