package io.segpipe.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.segpipe.it.fixture.EventLog;
import io.segpipe.it.fixture.ItEnv;
import io.segpipe.it.fixture.MiniHdfs;
import io.segpipe.it.fixture.MiniYarn;
import io.segpipe.it.fixture.SharedFixtures;
import io.segpipe.it.fixture.SparkSubmission;
import io.segpipe.prep.Json;
import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.job.SplitSpec;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.synth.SyntheticConfig;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline on YARN in cluster deploy mode, submitted as deploy/README.md shows it:
 * {@code deploy/submit.sh --master yarn --deploy-mode cluster} with the application jar, the
 * configurations (split into files that include each other), the data and every output on HDFS
 * (one configuration shipped with {@code --files} instead), and the results written there with
 * {@code --result hdfs://...}. YARN is a
 * MiniYARNCluster of three NodeManagers of 3 GiB: each holds one Spark container (768 MiB heap +
 * the off-heap overhead deploy/submit.sh adds), so the driver and the two executors run on three
 * different NodeManagers, with YARN enforcing their physical memory.
 */
@ExtendWith(SharedFixtures.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class YarnClusterIT {
    private static final int NODE_MANAGERS = 3;
    private static final int NODE_MANAGER_MEMORY_MB = 3072;
    private static final int EXECUTORS = 2;
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(8);
    /** Fewer images than the standalone pipeline test: this one is about where things run, not what is learnt. */
    private static final SyntheticConfig SYNTH = PipelineConfigs.SYNTH.withSamples(96);
    private static final Pattern APP_ID = Pattern.compile("Submitted application (application_\\d+_\\d+)");
    private static final Pattern FINAL_STATUS = Pattern.compile("final status: (\\w+)");

    @Test
    void prepTrainEvalScoreInClusterModeWithConfigurationsOnHdfs() throws Exception {
        MiniHdfs hdfs = SharedFixtures.hdfs();
        Path run = ItEnv.newDir("yarn");
        try (MiniYarn yarn = MiniYarn.start(run.resolve("yarn"), hdfs, NODE_MANAGERS, NODE_MANAGER_MEMORY_MB)) {
            String base = hdfs.url("/it/" + run.getFileName());
            String conf = base + "/conf";
            SyntheticExpectations expected = SyntheticExpectations.of(SYNTH, SplitSpec.DEFAULT);
            PairedFolders input = SyntheticDatasetGenerator.generate(SYNTH, base + "/input", new Configuration());

            // prep: configuration on HDFS, the class table included from a file next to it
            String dataset = base + "/dataset";
            String prepConf = PipelineConfigs.putWithInclude(hdfs, conf, "prep", PrepConfig.builder().input(input)
                    .output(dataset).classes(SyntheticDatasetGenerator.classTable()).shardCount(4).build().toJson(), "classes");
            Submitted prep = submit(yarn, run, "1-prep", UnaryOperator.identity(), "prep", "--conf", prepConf,
                    "--result", base + "/results/prep.json");
            JsonNode p = readJson(hdfs, base + "/results/prep.json");
            assertEquals(expected.total(), p.path("samples").asLong(), p.toString());
            for (String split : expected.idsBySplit().keySet()) {
                assertEquals(expected.samples(split), p.path("manifest").path("splits").path(split).path("samples").asLong(),
                        "rows of split " + split + " (the standalone pipeline test checks them one by one)");
            }
            assertTrue(prep.driverStdout().contains("prepared " + expected.total() + " samples"), prep.driverStdout());

            // train: the network included from parts/model.json; two executors on two NodeManagers
            String model = base + "/model";
            String trainConf = PipelineConfigs.putWithInclude(hdfs, conf, "train",
                    PipelineConfigs.train(dataset, model, 1).checkpointDir(base + "/checkpoints").build().toJson(), "model");
            Submitted train = submit(yarn, run, "2-train", UnaryOperator.identity(), "train", "--conf", trainConf,
                    "--result", base + "/results/train.json");
            JsonNode t = readJson(hdfs, base + "/results/train.json");
            assertEquals(1, t.path("epochs").asInt(), t.toString());
            assertEquals(expected.samples("train"), t.path("last").path("images").asLong(), "images trained");
            PipelineOnClusterIT.assertModelDirectory(model);
            assertTrainingOnTwoNodeManagers(train.eventLog());

            // eval: the configuration shipped with spark-submit --files from the client's disk and
            // named as there (client/eval.conf); the driver finds it by name in its container
            String report = base + "/report";
            Path evalDir = Files.createDirectories(run.resolve("3-eval/client"));
            Files.writeString(evalDir.resolve("eval.conf"), "model = \"" + model + "\"\ndata = \"" + dataset
                    + "\"\nsplit = val\noutput = \"" + report + "\"\npartitions = 4\n");
            submit(yarn, run, "3-eval", s -> s.option("--files", "client/eval.conf"),
                    "eval", "--conf", "client/eval.conf", "--result", base + "/results/eval.json");
            JsonNode e = readJson(hdfs, base + "/results/eval.json");
            assertEquals(expected.samples("val"), e.path("images").asLong(), e.toString());
            assertEquals(0, e.path("badImages").asLong(), e.toString());
            assertTrue(PipelineOnClusterIT.fs(report).exists(new org.apache.hadoop.fs.Path(report, "report.json")));

            // score: Hadoop URIs and a glob passed to --set as users type them, unquoted
            String scores = base + "/scores";
            submit(yarn, run, "4-score", UnaryOperator.identity(), "score", "--set", "model=" + model,
                    "--set", "images=" + input.root() + "/" + SyntheticDatasetGenerator.IMAGES + "/*.png",
                    "--set", "output=" + scores, "--set", "partitions=4", "--result", base + "/results/score.json");
            JsonNode s = readJson(hdfs, base + "/results/score.json");
            assertEquals(expected.total(), s.path("scored").asLong(), s.toString());
            assertEquals(0, s.path("badImages").asLong(), s.toString());
        }
    }

    /** The executors that ran training tasks: two, each in a container of a different NodeManager. */
    private static void assertTrainingOnTwoNodeManagers(EventLog log) {
        Map<String, Integer> trainingTasks = log.successfulTasksByExecutor("(training)");
        assertEquals(EXECUTORS, trainingTasks.size(), "executors that ran training tasks: " + trainingTasks);
        Map<String, String> nodeManagerPorts = log.executorAttribute("NM_PORT");
        Set<String> nodeManagers = new TreeSet<>();
        for (String executor : trainingTasks.keySet()) {
            String port = nodeManagerPorts.get(executor);
            assertNotNull(port, "no NodeManager recorded for executor " + executor + ": " + nodeManagerPorts);
            nodeManagers.add(port);
        }
        assertEquals(EXECUTORS, nodeManagers.size(), "NodeManager ports of the training executors " + trainingTasks.keySet()
                + ": " + nodeManagerPorts);
        assertTrue(log.failedTasks().isEmpty(), "failed tasks: " + log.failedTasks());
    }

    /** A finished YARN application: spark-submit's result, the application id, the driver's output. */
    private record Submitted(SparkSubmission.Result result, String appId, MiniYarn yarn) {
        String driverStdout() {
            return yarn.driverLog(appId, "stdout", 200);
        }

        EventLog eventLog() {
            return result.eventLog();
        }
    }

    /**
     * Submits {@code segpipe <args>} in cluster mode, with more spark-submit {@code options}, and checks it succeeded: spark-submit's exit
     * code and the application's final status; a failure quotes the driver's own log.
     */
    private static Submitted submit(MiniYarn yarn, Path run, String step, UnaryOperator<SparkSubmission> options,
                                    String... args) {
        SparkSubmission.Result r = options.apply(SparkSubmission.toYarn(yarn, EXECUTORS, run.resolve(step)))
                .run(STEP_TIMEOUT, args);
        Matcher m = APP_ID.matcher(r.output());
        assertTrue(m.find(), "no YARN application submitted: " + r.describe());
        String appId = m.group(1);
        String driver = "\ndriver stderr:\n" + yarn.driverLog(appId, "stderr", 60);
        assertEquals(0, r.exitCode(), r.describe() + driver);
        // spark-submit's last application report, as the ResourceManager gave it
        Matcher status = FINAL_STATUS.matcher(r.output());
        String last = null;
        while (status.find()) {
            last = status.group(1);
        }
        assertEquals("SUCCEEDED", last, r.describe() + driver);
        return new Submitted(r, appId, yarn);
    }

    private static JsonNode readJson(MiniHdfs hdfs, String url) throws Exception {
        try (FileSystem fs = hdfs.fileSystem()) {
            return Json.mapper().readTree(io.segpipe.prep.fs.HadoopFiles.readString(fs, new org.apache.hadoop.fs.Path(url)));
        }
    }
}
