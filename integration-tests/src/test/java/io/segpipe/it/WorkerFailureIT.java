package io.segpipe.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.segpipe.it.fixture.ItEnv;
import io.segpipe.it.fixture.SparkStandaloneCluster;
import io.segpipe.it.fixture.SparkSubmission;
import io.segpipe.prep.Json;
import io.segpipe.prep.testkit.LocalSpark;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Worker JVM dies (SIGKILL, as when its machine fails) while the cluster trains: the job either
 * completes on the surviving executor or fails with a one-line message; it never hangs, and the
 * model directory is either complete or absent. Runs on a cluster of its own.
 */
@Tag("slow")
@ExtendWith(LocalSpark.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class WorkerFailureIT {

    /** The id of the executor Spark removed. */
    private static String lostExecutor(io.segpipe.it.fixture.EventLog log) {
        return log.executorsRemoved().keySet().iterator().next();
    }

    @Test
    void trainingSurvivesOrFailsCleanlyWhenAWorkerDies() throws Exception {
        String dataset = FaultData.dataset();
        Path run = ItEnv.newDir("worker-failure");
        try (SparkStandaloneCluster cluster = SparkStandaloneCluster.start(run.resolve("cluster"), 2, 3072)) {
            String model = run.resolve("model").toString();
            String conf = PipelineConfigs.write(run, "train.json", PipelineConfigs.train(dataset, model, 4).build().toJson());
            Path result = run.resolve("train-result.json");
            try (SparkSubmission.Running train = SparkSubmission.to(cluster, run.resolve("train"))
                    .start("train", "--conf", conf, "--result", result.toString())) {
                // in the middle of an epoch: the training job of epoch 2 has started on both executors
                train.awaitJobStart("epoch 2/4 (training)", Duration.ofMinutes(8));
                cluster.killWorker(1);
                assertFalse(cluster.worker(1).process().isAlive(), "worker 1 was killed");

                SparkSubmission.Result r = train.await(Duration.ofMinutes(10));
                cluster.awaitAliveWorkers(1, Duration.ofMinutes(2));
                assertTrue(r.eventLog().executorsRemoved().size() >= 1,
                        "Spark saw an executor go: " + r.eventLog().executorsRemoved() + "\n" + r.describe());
                assertFalse(r.eventLog().successfulTasksByExecutor("epoch 4/4 (training)").containsKey(
                        lostExecutor(r.eventLog())), "no task ran on the lost executor after it was lost");
                if (r.exitCode() == 0) {
                    JsonNode t = Json.mapper().readTree(result.toFile());
                    assertEquals(4, t.path("epochs").asInt(), t.toString());
                    PipelineOnClusterIT.assertModelDirectory(model);
                } else {
                    List<String> errors = r.lines().stream().filter(l -> l.startsWith("segpipe: ")).toList();
                    assertEquals(1, errors.size(), "one clear error line:\n" + r.describe());
                    assertFalse(Files.exists(Path.of(model)), "no model published after a failure");
                    assertEquals(List.of(), DatasetAssertions.stagingSiblings(model), "nothing half-written");
                }
            }
        }
    }
}
