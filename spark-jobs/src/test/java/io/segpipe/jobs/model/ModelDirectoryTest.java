package io.segpipe.jobs.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.imageio.ImageIO;

import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.model.arch.Architectures;
import io.segpipe.model.arch.TinySpecs;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.Json;
import io.segpipe.prep.reader.Normalization;
import io.segpipe.prep.schema.ClassWeights;
import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.schema.SplitStats;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;

class ModelDirectoryTest {

    @TempDir
    Path tmp;

    static SegmentationSpec spec;
    static ComputationGraph net;

    @BeforeAll
    static void init() {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(TinySpecs.THREADS);
        spec = TinySpecs.of(Architecture.UNET, 4);
        net = Architectures.create(spec);
        // one training step so the updater has state to save
        net.fit(new org.nd4j.linalg.dataset.DataSet(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3, 16, 16),
                io.segpipe.model.predict.Labels.oneHot(Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.INT, 2, 16, 16), spec)));
    }

    static String manifestJson() {
        return ModelFixtures.manifestJson(SyntheticDatasetGenerator.classTable());
    }

    static ModelDirectory.Info info(SegmentationSpec s) {
        return ModelFixtures.info(s, SyntheticDatasetGenerator.classTable());
    }

    @Test
    void writesEveryFileAndReadsTheSameNetworkBack() throws IOException {
        Path dir = tmp.resolve("model");
        ModelDirectory.write(dir.toString(), new Configuration(), net, info(spec), false);
        for (String f : ModelDirectory.FILES) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        try (var hidden = Files.list(tmp)) {
            assertEquals(List.of(dir), hidden.toList(), "no temporary left beside the model");
        }
        ModelDirectory.Loaded loaded = ModelDirectory.read(dir.toString(), new Configuration());
        assertEquals(net.params(), loaded.network().params());
        assertEquals(net.getUpdater().getStateViewArray(), loaded.network().getUpdater().getStateViewArray());
        assertEquals(spec, loaded.info().spec());
        assertEquals(info(spec).metrics(), loaded.info().metrics());
        assertTrue(Double.isNaN(loaded.info().metrics().epochs().get(1).valIoU().get(2)));
        assertEquals(List.of("background", "disc", "square", "triangle"), loaded.info().classNames());
        assertEquals(2, loaded.info().provenance().training().modelEpoch());
        String csv = Files.readString(dir.resolve(ModelDirectory.METRICS_CSV));
        assertTrue(csv.startsWith("epoch,loss,learning_rate"), csv);
        assertTrue(csv.contains("iou_triangle"), csv);
        assertEquals(3, csv.lines().count());
        var png = ImageIO.read(dir.resolve(ModelDirectory.CURVES).toFile());
        assertNotNull(png);
        assertEquals(CurvePlot.WIDTH, png.getWidth());
    }

    @Test
    void anExistingDirectoryIsKeptUnlessOverwriting() throws IOException {
        Path dir = tmp.resolve("model");
        ModelDirectory.write(dir.toString(), new Configuration(), net, info(spec), false);
        IOException e = assertThrows(IOException.class,
                () -> ModelDirectory.write(dir.toString(), new Configuration(), net, info(spec), false));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        ModelDirectory.write(dir.toString(), new Configuration(), net, info(spec), true);
        assertEquals(spec, ModelDirectory.readInfo(dir.toString(), new Configuration()).spec());
    }

    @Test
    void aFailedWriteLeavesNothingBehind() {
        ModelDirectory.Info bad = new ModelDirectory.Info(spec, "{}", "{\"not\": \"a manifest\"}",
                MetricsHistory.empty(), info(spec).provenance());
        Path dir = tmp.resolve("model");
        assertThrows(IOException.class, () -> ModelDirectory.write(dir.toString(), new Configuration(), net, bad, false));
        assertFalse(Files.exists(dir));
        try (var left = Files.list(tmp)) {
            assertEquals(0, left.count(), "the staged directory was removed");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readingNamesThePathAndTheProblem() throws IOException {
        Configuration conf = new Configuration();
        IOException missing = assertThrows(IOException.class, () -> ModelDirectory.read(tmp.resolve("nope").toString(), conf));
        assertTrue(missing.getMessage().startsWith("no model directory at "), missing.getMessage());

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        IOException notModel = assertThrows(IOException.class, () -> ModelDirectory.read(empty.toString(), conf));
        assertTrue(notModel.getMessage().contains("not a complete segpipe model directory"), notModel.getMessage());

        Path dir = tmp.resolve("model");
        ModelDirectory.write(dir.toString(), conf, net, info(spec), false);
        Files.write(dir.resolve(ModelDirectory.MODEL), "PK not really a zip".getBytes());
        Files.deleteIfExists(dir.resolve(".model.zip.crc")); // the local FS checksum would catch the edit first
        IOException changed = assertThrows(IOException.class, () -> ModelDirectory.read(dir.toString(), conf));
        assertTrue(changed.getMessage().contains(ModelDirectory.MODEL + " was changed after it was written: its SHA-256 is "),
                changed.getMessage());
        Files.delete(dir.resolve(ModelDirectory.MODEL_SHA256)); // as in a directory of an earlier segpipe
        Files.deleteIfExists(dir.resolve("." + ModelDirectory.MODEL_SHA256 + ".crc"));
        IOException notZip = assertThrows(IOException.class, () -> ModelDirectory.read(dir.toString(), conf));
        assertTrue(notZip.getMessage().contains(ModelDirectory.MODEL + " is not a DL4J model file"), notZip.getMessage());

        Path other = tmp.resolve("other");
        SegmentationSpec five = TinySpecs.of(Architecture.UNET, 5);
        ModelDirectory.write(other.toString(), conf, net, info(five), false);
        IOException mismatch = assertThrows(IOException.class, () -> ModelDirectory.read(other.toString(), conf));
        assertTrue(mismatch.getMessage().contains("does not match spec.json"), mismatch.getMessage());

        Path file = tmp.resolve("model.zip");
        Files.write(file, new byte[] {1, 2, 3});
        IOException isFile = assertThrows(IOException.class, () -> ModelDirectory.read(file.toString(), conf));
        assertTrue(isFile.getMessage().contains("pass the directory"), isFile.getMessage());

        Files.delete(dir.resolve(ModelDirectory.METRICS_CSV));
        IOException incomplete = assertThrows(IOException.class, () -> ModelDirectory.readInfo(dir.toString(), conf));
        assertTrue(incomplete.getMessage().contains("metrics.csv is missing"), incomplete.getMessage());
    }

    @Test
    void aModifiedManifestIsDetected() throws IOException {
        Path dir = tmp.resolve("model");
        ModelDirectory.write(dir.toString(), new Configuration(), net, info(spec), false);
        Files.writeString(dir.resolve(ModelDirectory.DATA_MANIFEST), manifestJson().replace("disc", "disk"));
        Files.deleteIfExists(dir.resolve("." + ModelDirectory.DATA_MANIFEST + ".crc"));
        IOException e = assertThrows(IOException.class, () -> ModelDirectory.readInfo(dir.toString(), new Configuration()));
        assertTrue(e.getMessage().contains("does not match the hash"), e.getMessage());
    }

    @Test
    void inferenceDefaultsAreRecordedAndReadBack() throws IOException {
        InferenceDefaults recorded = new InferenceDefaults(Normalization.IMAGENET, 0.5,
                InferenceConfig.builder().batchSize(2).build());
        ModelDirectory.Info withDefaults = new ModelDirectory.Info(spec, "{}", manifestJson(), info(spec).metrics(),
                info(spec).provenance(), recorded);
        Path dir = tmp.resolve("model");
        ModelDirectory.write(dir.toString(), new Configuration(), net, withDefaults, false);
        assertEquals(recorded, InferenceDefaults.fromJson(Files.readString(dir.resolve(ModelDirectory.INFERENCE))));
        assertEquals(Optional.of(recorded), ModelDirectory.readInfo(dir.toString(), new Configuration())
                .recordedInference());
        assertTrue(Files.readString(dir.resolve(ModelDirectory.INFERENCE)).contains("\"inputScale\" : 0.5"),
                "the keys are the job configurations' keys");

        // A directory of an earlier segpipe has no inference.json: read, with nothing recorded.
        Files.delete(dir.resolve(ModelDirectory.INFERENCE));
        Files.deleteIfExists(dir.resolve("." + ModelDirectory.INFERENCE + ".crc"));
        assertEquals(Optional.empty(), ModelDirectory.readInfo(dir.toString(), new Configuration()).recordedInference());

        // One whose normalisation cannot apply to the network's channels was modified: refused, naming the file.
        Files.writeString(dir.resolve(ModelDirectory.INFERENCE), new InferenceDefaults(
                new Normalization(1.0 / 255, List.of(0.1, 0.2), List.of(1.0)), 1.0, InferenceConfig.DEFAULT).toJson());
        IOException e = assertThrows(IOException.class, () -> ModelDirectory.readInfo(dir.toString(), new Configuration()));
        assertTrue(e.getMessage().contains(ModelDirectory.INFERENCE + " has a normalization with 2 mean and 1 std "
                + "values for a 3-channel model"), e.getMessage());
        Files.writeString(dir.resolve(ModelDirectory.INFERENCE), "{\"normalization\": null}");
        IOException bad = assertThrows(IOException.class, () -> ModelDirectory.readInfo(dir.toString(), new Configuration()));
        assertTrue(bad.getMessage().contains(ModelDirectory.INFERENCE + ": invalid InferenceDefaults JSON"),
                bad.getMessage());
    }

    @Test
    void metricsHistoryRoundTripsAndFindsTheBestEpoch() {
        MetricsHistory h = info(spec).metrics();
        assertEquals(h, MetricsHistory.fromJson(h.toJson()));
        assertEquals(2, h.best().orElseThrow().epoch());
        assertThrows(IllegalArgumentException.class, () -> new MetricsHistory(List.of(h.epochs().get(1), h.epochs().get(0))));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(CurvePlot.png(h), 4));
    }
}
