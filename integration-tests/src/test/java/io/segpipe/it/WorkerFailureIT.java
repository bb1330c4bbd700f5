package io.segpipe.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.segpipe.it.fixture.EventLog;
import io.segpipe.it.fixture.ItEnv;
import io.segpipe.it.fixture.SparkStandaloneCluster;
import io.segpipe.it.fixture.SparkSubmission;
import io.segpipe.prep.Json;
import io.segpipe.prep.job.SplitSpec;
import io.segpipe.prep.testkit.LocalSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Worker JVM dies (SIGKILL, as when its machine fails) while the cluster trains: the job completes
 * every epoch on the surviving executor, which runs the later epochs' training tasks, and publishes
 * a complete model. Runs on a cluster of its own.
 *
 * <p>Part of the default {@code mvn verify}: about 2.5 minutes on an otherwise idle 2-core machine,
 * 10 minutes measured on the same machine under a load average of about 15.
 */
@ExtendWith(LocalSpark.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class WorkerFailureIT {

    @Test
    void trainingSurvivesTheLossOfAWorker() throws Exception {
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
                assertEquals(0, r.exitCode(), "training survives the loss of one worker:\n" + r.describe());
                cluster.awaitAliveWorkers(1, Duration.ofMinutes(2));
                EventLog events = r.eventLog();
                assertTrue(events.executorsRemoved().size() >= 1,
                        "Spark saw an executor go: " + events.executorsRemoved() + "\n" + r.describe());
                java.util.Set<String> survivors = new java.util.TreeSet<>(events.executorsAdded());
                survivors.removeAll(events.executorsRemoved().keySet());
                assertEquals(1, survivors.size(), "one executor survives: added " + events.executorsAdded()
                        + ", removed " + events.executorsRemoved());
                for (int epoch = 3; epoch <= 4; epoch++) {
                    var tasks = events.successfulTasksByExecutor("epoch " + epoch + "/4 (training)");
                    assertEquals(survivors, tasks.keySet(), "epoch " + epoch + "'s training tasks ran on the survivor");
                }
                JsonNode t = Json.mapper().readTree(result.toFile());
                assertEquals(4, t.path("epochs").asInt(), t.toString());
                assertEquals(4, t.path("history").size(), "every epoch trained: " + t.path("history"));
                long trainImages = SyntheticExpectations.of(PipelineConfigs.SYNTH, SplitSpec.DEFAULT).samples("train");
                for (JsonNode epoch : t.path("history")) {
                    assertEquals(trainImages, epoch.path("images").asLong(),
                            "epoch " + epoch.path("epoch") + " trained on every training image: " + epoch);
                }
                PipelineOnClusterIT.assertModelDirectory(model);
            }
        }
    }
}
