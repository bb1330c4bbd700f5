package io.segpipe.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.segpipe.it.fixture.EventLog;
import io.segpipe.it.fixture.ItEnv;
import io.segpipe.it.fixture.MiniHdfs;
import io.segpipe.it.fixture.SharedFixtures;
import io.segpipe.it.fixture.SparkStandaloneCluster;
import io.segpipe.it.fixture.SparkSubmission;
import io.segpipe.jobs.eval.EvalReport;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.jobs.score.ScoreSchema;
import io.segpipe.jobs.train.TrainConfig;
import io.segpipe.model.arch.Architectures;
import io.segpipe.prep.Json;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.codec.LabelRaster;
import io.segpipe.prep.fs.CompletionMarker;
import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.job.SplitSpec;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import io.segpipe.prep.testkit.LocalSpark;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole pipeline as users run it on a cluster, with HDFS as the file system of the data, the
 * dataset, the checkpoints, the model and the outputs: synthetic images → {@code prep} →
 * {@code train} (2 epochs, parameter averaging over both executors; its DL4J stats file watched
 * with {@code segpipe ui} in a browser) → {@code eval} → {@code score}, each submitted through
 * deploy/submit.sh to the standalone cluster.
 */
@ExtendWith({SharedFixtures.class, LocalSpark.class})
@Timeout(value = 25, unit = TimeUnit.MINUTES)
class PipelineOnClusterIT {
    static final Duration STEP_TIMEOUT = Duration.ofMinutes(10);

    @AfterEach
    void pruneJars() {
        SharedFixtures.cluster().pruneApplicationJars();
    }

    @Test
    void prepTrainEvalScoreOnHdfs() throws Exception {
        SparkStandaloneCluster cluster = SharedFixtures.cluster();
        MiniHdfs hdfs = SharedFixtures.hdfs();
        java.nio.file.Path run = ItEnv.newDir("pipeline-hdfs");
        String base = hdfs.url("/it/" + run.getFileName());
        SyntheticExpectations expected = SyntheticExpectations.of(PipelineConfigs.SYNTH, SplitSpec.DEFAULT);

        // prep
        PairedFolders input = SyntheticDatasetGenerator.generate(PipelineConfigs.SYNTH, base + "/input", new Configuration());
        String dataset = base + "/dataset";
        String prepConf = PipelineConfigs.write(run, "prep.conf", PrepConfig.builder().input(input).output(dataset)
                .classes(SyntheticDatasetGenerator.classTable()).shardCount(4).build().toJson());
        SparkSubmission.Result prep = SparkSubmission.to(cluster, run.resolve("1-prep"))
                .run(STEP_TIMEOUT, "prep", "--conf", prepConf);
        assertEquals(0, prep.exitCode(), prep.describe());
        DatasetAssertions.assertSyntheticDataset(dataset, input.root(), expected);
        assertEquals(expected.total(), CompletionMarker.require(fs(dataset), new Path(dataset), "dataset").counts()
                .get("samples"), "the dataset's completion marker on HDFS");
        DatasetAssertions.assertBothExecutorsWorked(prep.eventLog(), cluster);
        assertDescribed(prep, "segpipe prep", "segpipe prep");

        // train: 2 epochs, checkpoints and model on HDFS
        String model = base + "/model";
        String checkpoints = base + "/checkpoints";
        java.nio.file.Path stats = run.resolve("train-stats.db"); // the client-mode driver's local disk
        TrainConfig trainConfig = PipelineConfigs.train(dataset, model, 2).checkpointDir(checkpoints)
                .statsFile(stats.toString()).statsEvery(1).build();
        String trainConf = PipelineConfigs.write(run, "train.json", trainConfig.toJson());
        java.nio.file.Path trainResult = run.resolve("train-result.json");
        SparkSubmission.Result train = SparkSubmission.to(cluster, run.resolve("2-train"))
                .run(STEP_TIMEOUT, "train", "--conf", trainConf, "--result", trainResult.toString());
        assertEquals(0, train.exitCode(), train.describe());
        JsonNode t = Json.mapper().readTree(trainResult.toFile());
        assertEquals(2, t.path("epochs").asInt(), t.toString());
        assertEquals(2, t.path("epochsThisRun").asInt(), t.toString());
        assertEquals(model, t.path("output").asText());
        assertEquals(expected.samples("train"), t.path("last").path("images").asLong(), "images trained per epoch");
        assertModelDirectory(model);
        assertEquals(List.of("epoch-00001", "epoch-00002"), checkpointEpochs(checkpoints));
        Map<String, Integer> trainingTasks = train.eventLog().successfulTasksByExecutor("(training)");
        assertEquals(2, trainingTasks.size(), "executors that ran training tasks: " + trainingTasks);
        assertTrue(train.eventLog().failedTasks().isEmpty(), "failed tasks: " + train.eventLog().failedTasks());
        assertDescribed(train, "segpipe train", "segpipe train");
        // the executors' own peak resident memory, from their JVMs (not the driver's)
        JsonNode workers = t.path("workerMemory");
        assertEquals(2, workers.size(), "worker JVMs reported: " + workers);
        for (JsonNode w : workers) {
            assertTrue(w.path("pid").asLong() != ProcessHandle.current().pid() && w.path("peakResidentBytes").asLong() > 0,
                    w.toString());
        }

        // watch: segpipe ui over the stats file the driver wrote, its page loaded in a browser
        TrainingUiInBrowser.check(stats, Architectures.create(trainConfig.model()).numParams(), run.resolve("ui"));

        // eval on the held-out split
        java.nio.file.Path evalResult = run.resolve("eval-result.json");
        String report = base + "/report";
        SparkSubmission.Result eval = SparkSubmission.to(cluster, run.resolve("3-eval")).conf("spark.app.name", "it eval")
                .run(STEP_TIMEOUT, "eval", "--set", PipelineConfigs.set("model", model),
                        "--set", PipelineConfigs.set("data", dataset), "--set", "split=val",
                        "--set", PipelineConfigs.set("output", report), "--set", "partitions=4",
                        "--result", evalResult.toString());
        assertEquals(0, eval.exitCode(), eval.describe());
        JsonNode e = Json.mapper().readTree(evalResult.toFile());
        assertEquals(expected.samples("val"), e.path("images").asLong(), "images evaluated");
        assertEquals(0, e.path("badImages").asLong());
        long[][] counts = Json.mapper().convertValue(e.path("confusionMatrix").path("counts"), long[][].class);
        long[] truth = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            for (long c : counts[i]) {
                truth[i] += c;
            }
        }
        assertEquals(java.util.Arrays.toString(expected.classPixelsBySplit().get("val")), java.util.Arrays.toString(truth),
                "ground-truth pixels per class in the confusion matrix = the generator's val labels (ignore excluded)");
        double meanIoU = e.path("metrics").path("meanIoU").asDouble();
        double trivial = trivialMeanIoU(truth);
        assertTrue(meanIoU > trivial + 0.02, "val mIoU " + meanIoU + " must beat the all-most-frequent-class predictor's "
                + trivial + "; training log:\n" + train.describe());
        assertTrue(fs(report).exists(new Path(report, "report.json")), "report.json on HDFS");
        assertEquals(e.path("images").asLong(), EvalReport.read(fs(report), new Path(report)).images(),
                "a complete report (with its completion marker) on HDFS");
        DatasetAssertions.assertBothExecutorsWorked(eval.eventLog(), cluster);
        assertDescribed(eval, "it eval", "segpipe eval");

        // score every split: a prediction for every id
        java.nio.file.Path scoreResult = run.resolve("score-result.json");
        String scores = base + "/scores";
        SparkSubmission.Result score = SparkSubmission.to(cluster, run.resolve("4-score"))
                .run(STEP_TIMEOUT, "score", "--set", PipelineConfigs.set("model", model),
                        "--set", PipelineConfigs.set("data", dataset), "--set", PipelineConfigs.set("output", scores),
                        "--set", "partitions=4", "--result", scoreResult.toString());
        assertEquals(0, score.exitCode(), score.describe());
        JsonNode s = Json.mapper().readTree(scoreResult.toFile());
        assertEquals(expected.total(), s.path("scored").asLong(), s.toString());
        assertEquals(0, s.path("badImages").asLong(), s.toString());
        assertPredictions(scores, expected);
        DatasetAssertions.assertBothExecutorsWorked(score.eventLog(), cluster);
        assertDescribed(score, "segpipe score", "segpipe score");
    }

    /**
     * The application has {@code appName} (the command's, or the one given to spark-submit) and every
     * Spark job it ran carries a description naming the command, for the Spark UI and event logs.
     */
    static void assertDescribed(SparkSubmission.Result result, String appName, String command) {
        assertEquals(appName, result.eventLog().appName());
        List<String> descriptions = result.eventLog().jobDescriptions();
        assertTrue(!descriptions.isEmpty() && descriptions.stream().allMatch(d -> d.startsWith(command)),
                "every job of " + command + " described: " + descriptions);
    }

    /** mIoU of predicting the most frequent class everywhere: its IoU is its share, every other present class 0. */
    static double trivialMeanIoU(long[] truth) {
        long total = 0;
        long max = 0;
        int present = 0;
        for (long t : truth) {
            total += t;
            max = Math.max(max, t);
            present += t > 0 ? 1 : 0;
        }
        return (double) max / total / present;
    }

    /** A complete model directory and nothing half-written beside it. */
    static void assertModelDirectory(String model) throws Exception {
        FileSystem fs = fs(model);
        for (String file : ModelDirectory.FILES) {
            assertTrue(fs.getFileStatus(new Path(model, file)).getLen() > 0, model + "/" + file);
        }
        assertEquals(ModelDirectory.MARKER_KIND, CompletionMarker.require(fs, new Path(model), "model").kind());
        assertEquals(List.of(), DatasetAssertions.stagingSiblings(model), "temporary siblings of " + model);
    }

    static List<String> checkpointEpochs(String dir) throws Exception {
        FileSystem fs = fs(dir);
        List<String> out = new ArrayList<>();
        if (!fs.exists(new Path(dir))) {
            return out;
        }
        for (var st : fs.listStatus(new Path(dir))) {
            if (st.getPath().getName().startsWith("epoch-")) {
                out.add(st.getPath().getName());
            }
        }
        out.sort(null);
        return out;
    }

    /** One prediction per id of the dataset, each a label map of the image's size with class ids only. */
    static void assertPredictions(String scores, SyntheticExpectations expected) throws Exception {
        List<Row> rows = LocalSpark.session().read().schema(ScoreSchema.SCHEMA).parquet(scores)
                .select(ScoreSchema.ID, ScoreSchema.PREDICTION, ScoreSchema.HEIGHT, ScoreSchema.WIDTH,
                        ScoreSchema.CLASS_FRACTIONS).collectAsList();
        TreeSet<String> ids = new TreeSet<>();
        for (Row r : rows) {
            assertTrue(ids.add(r.getString(0)), "one prediction per id: " + r.getString(0) + " twice");
            LabelRaster p = ImageCodec.decodeLabel((byte[]) r.get(1));
            assertEquals(expected.width(), p.width(), r.getString(0));
            assertEquals(expected.height(), p.height(), r.getString(0));
            assertEquals(expected.height(), r.getInt(2));
            assertEquals(expected.width(), r.getInt(3));
            for (byte b : p.data()) {
                assertTrue((b & 0xFF) < expected.numClasses(), r.getString(0) + ": predicted value " + (b & 0xFF));
            }
            double sum = r.<Double>getList(4).stream().mapToDouble(Double::doubleValue).sum();
            assertEquals(1.0, sum, 1e-6, r.getString(0) + " class fractions");
        }
        TreeSet<String> all = new TreeSet<>();
        expected.idsBySplit().values().forEach(all::addAll);
        assertEquals(all, ids, "scored ids");
        assertEquals(List.of(), DatasetAssertions.stagingSiblings(scores), "temporary siblings of " + scores);
    }

    static FileSystem fs(String path) throws Exception {
        return new Path(path).getFileSystem(new Configuration());
    }

    static String read(java.nio.file.Path file) throws Exception {
        return Files.readString(file);
    }
}
