package io.segpipe.it;

import io.segpipe.it.fixture.ItEnv;
import io.segpipe.it.fixture.MiniHdfs;
import io.segpipe.it.fixture.SharedFixtures;
import io.segpipe.it.fixture.SparkStandaloneCluster;
import io.segpipe.it.fixture.SparkSubmission;
import io.segpipe.jobs.registry.HistoryRecord;
import io.segpipe.jobs.registry.ModelRegistry;
import io.segpipe.jobs.registry.ProductionPointer;
import io.segpipe.jobs.registry.VersionInfo;
import io.segpipe.jobs.retrain.RetrainConfig;
import io.segpipe.prep.testkit.LocalSpark;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scheduled retraining with its model registry on HDFS: a first run promotes its model; a second
 * run is killed (driver SIGKILL) in the middle of training, leaving the production pointer as it
 * was; the next run takes over the dead run's lock, cleans its work area and succeeds.
 */
@Tag("slow")
@ExtendWith({SharedFixtures.class, LocalSpark.class})
@Timeout(value = 25, unit = TimeUnit.MINUTES)
class RetrainFailureIT {
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);

    @AfterEach
    void pruneJars() {
        SharedFixtures.cluster().pruneApplicationJars();
    }

    @Test
    void killedRetrainLeavesProductionUnchangedAndTheNextRunSucceeds() throws Exception {
        SparkStandaloneCluster cluster = SharedFixtures.cluster();
        MiniHdfs hdfs = SharedFixtures.hdfs();
        java.nio.file.Path run = ItEnv.newDir("retrain-failure");
        String registryRoot = hdfs.url("/it/" + run.getFileName() + "/registry");
        String dataset = FaultData.dataset();

        // 1: the first run has no champion and promotes its challenger as v000001
        SparkSubmission.Result first = SparkSubmission.to(cluster, run.resolve("1-retrain"))
                .run(RUN_TIMEOUT, "retrain", "--conf", conf(run, registryRoot, dataset, "first"));
        assertEquals(0, first.exitCode(), first.describe());
        assertTrue(first.stdoutLines().stream().anyMatch(l -> l.startsWith("retrain run first: PROMOTED (challenger v1)")),
                first.describe());
        ModelRegistry registry = ModelRegistry.open(registryRoot, new Configuration());
        ProductionPointer before = registry.production().orElseThrow();
        assertEquals(1, before.version());
        byte[] pointerBytes = read(registryRoot + "/" + ModelRegistry.POINTER);

        // 2: killed while training its challenger
        try (SparkSubmission.Running killed = SparkSubmission.to(cluster, run.resolve("2-retrain-killed"))
                .start("retrain", "--conf", conf(run, registryRoot, dataset, "killed"))) {
            killed.driver().awaitLog(Pattern.compile("epoch 1/2 "), Duration.ofMinutes(8));
            killed.driver().kill();
        }
        assertArrayEquals(pointerBytes, read(registryRoot + "/" + ModelRegistry.POINTER), "production pointer unchanged");
        assertEquals(List.of(1), registry.versions().stream().map(VersionInfo::version).toList(), "no version registered");
        FileSystem fs = new Path(registryRoot).getFileSystem(new Configuration());
        assertTrue(fs.exists(new Path(registryRoot, ModelRegistry.LOCK)), "the killed run's lock is left behind");

        // 3: the next run breaks the dead run's lock and completes
        SparkSubmission.Result third = SparkSubmission.to(cluster, run.resolve("3-retrain"))
                .run(RUN_TIMEOUT, "retrain", "--conf", conf(run, registryRoot, dataset, "third"));
        assertEquals(0, third.exitCode(), third.describe());
        assertTrue(third.stdoutLines().stream().anyMatch(l -> l.matches("retrain run third: (PROMOTED|KEPT) \\(challenger v2\\).*")),
                third.describe());
        assertEquals(List.of(1, 2), registry.versions().stream().map(VersionInfo::version).toList());
        ProductionPointer after = registry.production().orElseThrow();
        boolean promoted = third.stdoutLines().stream().anyMatch(l -> l.startsWith("retrain run third: PROMOTED"));
        assertEquals(promoted ? 2 : 1, after.version(), "pointer follows the decision: " + after);
        PipelineOnClusterIT.assertModelDirectory(registry.versionPath(after.version()));
        assertTrue(!fs.exists(new Path(registryRoot, ModelRegistry.LOCK)), "lock released");
        Path staging = new Path(registryRoot, ModelRegistry.STAGING);
        assertEquals(List.of(), fs.exists(staging) ? Arrays.stream(fs.listStatus(staging)).map(s -> s.getPath().getName()).toList()
                : List.of(), "work areas of the killed and the finished run removed");
        List<String> runs = registry.history().stream().map(HistoryRecord::runId).toList();
        assertTrue(runs.contains("first") && runs.contains("third"), "history " + runs);
    }

    private static String conf(java.nio.file.Path run, String registry, String dataset, String runId) {
        RetrainConfig config = RetrainConfig.builder().registry(registry).dataset(dataset).runId(runId)
                .train(PipelineConfigs.train(dataset, registry + "/unused", 2).build()).build();
        return PipelineConfigs.write(run, "retrain-" + runId + ".json", config.toJson());
    }

    private static byte[] read(String file) throws Exception {
        Path p = new Path(file);
        try (FSDataInputStream in = p.getFileSystem(new Configuration()).open(p)) {
            return in.readAllBytes();
        }
    }
}
