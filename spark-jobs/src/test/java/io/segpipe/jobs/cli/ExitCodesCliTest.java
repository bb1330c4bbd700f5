package io.segpipe.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.commons.io.FileUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.data.AugmentConfig;
import io.segpipe.jobs.eval.EvalFixtures;
import io.segpipe.jobs.registry.LockSettings;
import io.segpipe.jobs.registry.ModelRegistry;
import io.segpipe.jobs.registry.RegistryLock;
import io.segpipe.jobs.retrain.RetrainConfig;
import io.segpipe.jobs.train.ClassWeighting;
import io.segpipe.jobs.train.MasterConfig;
import io.segpipe.jobs.train.OptimizerConfig;
import io.segpipe.jobs.train.TrainConfig;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.fs.CompletionMarker;
import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.job.PrepJob;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.TinyDatasets;

/**
 * Each exit code as a scheduler meets it: real commands through {@link Segpipe#execute}, each
 * failing the way it does in production, with the one line it prints. The commands reuse the
 * tests' running Spark session and leave it running.
 */
@ExtendWith(LocalSpark.class)
class ExitCodesCliTest {
    private static final int SIZE = 32;

    @TempDir
    static Path tmp;
    private static String dataset;
    private static String model;

    private record Run(int exitCode, String out, String err) {
        /** The message, without Spark's or the logger's lines. */
        String segpipeLine() {
            return err.lines().filter(l -> l.startsWith("segpipe: ")).findFirst().orElse("");
        }
    }

    @BeforeAll
    static void fixtures() throws IOException {
        SparkSession spark = LocalSpark.session();
        BrokenFileSystem.install(spark.sparkContext().hadoopConfiguration());
        dataset = PrepJob.run(PrepConfig.builder().input(TinyDatasets.synthetic(tmp.resolve("synth"), 24, SIZE, 3))
                .output(tmp.resolve("data").toString()).classes(SyntheticDatasetGenerator.classTable()).shardCount(2)
                .build(), spark).output();
        model = EvalFixtures.tinyModel(tmp.resolve("model"), EvalFixtures.tinySpec(4, 3));
    }

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = Segpipe.execute(new PrintWriter(err, true), args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    private static String local(String path) {
        return path.startsWith("file:") ? path.substring("file:".length()) : path;
    }

    @Test
    void success() {
        Run run = run("eval", "--set", "model=\"" + model + "\"", "--set", "data=\"" + dataset + "\"",
                "--set", "output=\"" + tmp.resolve("report-ok") + "\"", "--set", "examples=0");
        assertEquals(ExitCode.OK.code(), run.exitCode(), run.err());
    }

    @Test
    void anOutputThatExistsIsAUsageError() throws IOException {
        Path existing = Files.createDirectories(tmp.resolve("existing-report"));
        Run run = run("eval", "--set", "model=\"" + model + "\"", "--set", "data=\"" + dataset + "\"",
                "--set", "output=\"" + existing + "\"");
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("segpipe: output file:" + existing + " already exists; set overwrite to replace it, or choose another"
                + " path", run.segpipeLine());
    }

    @Test
    void aDatasetWithoutItsCompletionMarkerIsBadInput() throws IOException {
        Path copy = tmp.resolve("data-unmarked");
        FileUtils.copyDirectory(Path.of(local(dataset)).toFile(), copy.toFile());
        Files.delete(copy.resolve(CompletionMarker.FILE_NAME));
        Run run = run("eval", "--set", "model=\"" + model + "\"", "--set", "data=\"" + copy + "\"",
                "--set", "output=\"" + tmp.resolve("report-unmarked") + "\"");
        assertEquals(3, run.exitCode(), run.err());
        assertEquals("segpipe: dataset file:" + copy + " is not complete: it has no _segpipe_complete.json (it is being"
                + " written, or the run writing it did not finish); prepare it again with segpipe prep, or point at a"
                + " complete dataset", run.segpipeLine());
    }

    @Test
    void aModelWithoutItsCompletionMarkerIsBadInput() throws IOException {
        Path copy = tmp.resolve("model-unmarked");
        FileUtils.copyDirectory(Path.of(model).toFile(), copy.toFile());
        Files.delete(copy.resolve(CompletionMarker.FILE_NAME));
        Run run = run("score", "--set", "model=\"" + copy + "\"", "--set", "data=\"" + dataset + "\"",
                "--set", "output=\"" + tmp.resolve("scores-unmarked") + "\"");
        assertEquals(3, run.exitCode(), run.err());
        assertEquals("segpipe: segpipe model directory file:" + copy + " is not complete: it has no"
                + " _segpipe_complete.json (it is being written, or the run writing it did not finish); train it again,"
                + " or point at a complete model directory", run.segpipeLine());
    }

    @Test
    void aRegistryLockedByAnotherRunIsLocked() throws IOException {
        String root = tmp.resolve("registry-locked").toString();
        ModelRegistry registry = ModelRegistry.open(root, new Configuration());
        try (RegistryLock held = registry.lock("holder", LockSettings.staleAfter(Duration.ofHours(1)))) {
            Run run = run("retrain", "--conf", retrainConf("locked", root, null).toString());
            assertEquals(4, run.exitCode(), run.err());
            assertTrue(run.segpipeLine().startsWith("segpipe: registry " + registry.root() + " is locked by "),
                    run.segpipeLine());
        }
    }

    @Test
    void aReadFailingWhileSparkRunsIsARuntimeFailure() throws IOException {
        Path images = tmp.resolve("images");
        for (int i = 0; i < 3; i++) {
            TinyDatasets.write(images.resolve("img" + i + ".png"), TinyDatasets.noisyRgbPng(SIZE, SIZE, i));
        }
        Run run = run("score", "--set", "model=\"" + model + "\"", "--set", "images=\"" + BrokenFileSystem.uri(images)
                + "\"", "--set", "output=\"" + tmp.resolve("scores-broken") + "\"");
        assertEquals(5, run.exitCode(), run.err());
        assertTrue(run.segpipeLine().startsWith("segpipe: SparkException: Job aborted due to stage failure: "),
                run.segpipeLine());
        assertTrue(run.segpipeLine().contains("java.io.UncheckedIOException: cannot read " + BrokenFileSystem.SCHEME + ":"),
                run.segpipeLine());
        assertTrue(run.segpipeLine().endsWith(" (run with --debug for the stack trace)"), run.segpipeLine());
    }

    @Test
    void aChallengerBelowTheFloorFailsTheQualityGate() throws IOException {
        String root = tmp.resolve("registry-gate").toString();
        Run run = run("retrain", "--conf", retrainConf("gate", root, 1.0).toString());
        assertEquals(6, run.exitCode(), run.err());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("retrain run gate: KEPT (challenger v1) — challenger"
                + " meanIoU ") && l.contains(" is below the floor 1.0000")), run.out());
    }

    /** A one-epoch retraining configuration against {@code registry}, with {@code floor} (or none). */
    private static Path retrainConf(String runId, String registry, Double floor) throws IOException {
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.UNET, 4).depth(2).widthMultiplier(0.125)
                .inputSize(SIZE, SIZE).build();
        TrainConfig train = TrainConfig.builder().dataset("replaced").output("replaced").model(spec)
                .classWeights(ClassWeighting.NONE).valSplit("").checkpointEvery(0)
                .augment(AugmentConfig.builder().scaleMin(1.0).scaleMax(1.0).build())
                .optimizer(OptimizerConfig.builder().learningRate(1e-2).schedule(OptimizerConfig.Schedule.CONSTANT)
                        .build())
                .master(MasterConfig.builder().workers(2).batchSizePerWorker(4).averagingFrequency(2).build())
                .epochs(1).seed(11).build();
        RetrainConfig config = RetrainConfig.builder().registry(registry).dataset(dataset).runId(runId).floor(floor)
                .train(train).build();
        Path file = tmp.resolve("retrain-" + runId + ".json");
        Files.writeString(file, config.toJson());
        return file;
    }
}
