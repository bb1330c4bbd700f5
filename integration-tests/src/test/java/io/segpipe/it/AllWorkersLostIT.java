package io.segpipe.it;

import io.segpipe.it.fixture.EventLog;
import io.segpipe.it.fixture.ItEnv;
import io.segpipe.it.fixture.SparkStandaloneCluster;
import io.segpipe.it.fixture.SparkSubmission;
import io.segpipe.prep.testkit.LocalSpark;
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
 * Every Worker JVM dies (SIGKILL) while the cluster trains, a failure no retry survives: Spark
 * itself would keep the job's tasks pending until executors return, and the driver would wait
 * forever. With {@code maxSecondsWithoutExecutors} at 20 s the driver ends within a bounded time
 * after the kill: exit code 5 (runtime failure), one {@code segpipe:} line naming the limit and the newest checkpoint,
 * no model published, the checkpoints of the finished epochs kept for {@code --resume}. Runs on a
 * cluster of its own.
 */
@ExtendWith(LocalSpark.class)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class AllWorkersLostIT {
    private static final int LIMIT_SECONDS = 20;
    /** Executor loss detection, the limit, the cancellation and Spark's shutdown, with room for a loaded machine. */
    private static final Duration BOUND = Duration.ofSeconds(LIMIT_SECONDS + 100);

    @Test
    void trainingEndsWithOneMessageWhenEveryWorkerIsLost() throws Exception {
        String dataset = FaultData.dataset();
        Path run = ItEnv.newDir("all-workers-lost");
        try (SparkStandaloneCluster cluster = SparkStandaloneCluster.start(run.resolve("cluster"), 2, 3072)) {
            String model = run.resolve("model").toString();
            // the small val split as training data and no validation: epoch 1 and its checkpoint come quickly
            String conf = PipelineConfigs.write(run, "train.json", PipelineConfigs.train(dataset, model, 4)
                    .trainSplit("val").valSplit("").maxSecondsWithoutExecutors(LIMIT_SECONDS).build().toJson());
            try (SparkSubmission.Running train = SparkSubmission.to(cluster, run.resolve("train"))
                    .start("train", "--conf", conf)) {
                train.awaitJobStart("epoch 2/4 (training)", Duration.ofMinutes(8));
                long killed = System.nanoTime();
                cluster.killWorker(0);
                cluster.killWorker(1);

                SparkSubmission.Result r = train.await(BOUND.plusMinutes(2));
                Duration afterKill = Duration.ofNanos(System.nanoTime() - killed);
                assertEquals(5, r.exitCode(), "exit code of a run that lost every executor:\n" + r.describe());
                assertTrue(afterKill.compareTo(BOUND) < 0, "ended " + afterKill.toSeconds() + " s after the kill, bound "
                        + BOUND.toSeconds() + " s:\n" + r.describe());
                List<String> errors = r.stdoutLines().stream().filter(l -> l.startsWith("segpipe:")).toList();
                assertEquals(1, errors.size(), "one error line:\n" + r.describe());
                List<String> epochs = PipelineOnClusterIT.checkpointEpochs(model + ".checkpoints");
                assertTrue(epochs.contains("epoch-00001") && !epochs.contains("epoch-00004"), "checkpoints kept: " + epochs);
                String newest = Path.of(model + ".checkpoints", epochs.get(epochs.size() - 1)).toString();
                assertTrue(errors.get(0).startsWith("segpipe: no executor for " + LIMIT_SECONDS
                        + " s (maxSecondsWithoutExecutors): the cluster lost every executor of this application"),
                        errors.get(0));
                assertTrue(errors.get(0).endsWith("wrote no model; the newest checkpoint is file:" + newest
                        + ": once the cluster has workers again, run the same command with --resume"), errors.get(0));
                assertFalse(Files.exists(Path.of(model)), "no model published");
                assertEquals(2, r.eventLog().executorsRemoved().size(), "Spark saw both executors go: "
                        + r.eventLog().executorsRemoved());
                System.out.printf("AllWorkersLostIT: driver ended %d s after both workers were killed%n",
                        afterKill.toSeconds());
            }
        }
    }
}
