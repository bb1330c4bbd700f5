package io.segpipe.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.segpipe.it.fixture.EventLog;
import io.segpipe.it.fixture.ItEnv;
import io.segpipe.it.fixture.SharedFixtures;
import io.segpipe.it.fixture.SparkStandaloneCluster;
import io.segpipe.it.fixture.SparkSubmission;
import io.segpipe.prep.Json;
import io.segpipe.prep.testkit.LocalSpark;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The driver dies (SIGKILL) after an epoch's checkpoint; {@code train --resume} then finishes the
 * run from the newest checkpoint instead of starting over, and nothing was published before.
 *
 * <p>Part of the default {@code mvn verify}: it shares the run's cluster; 13 minutes measured on a
 * 2-core machine under a load average of about 15, where {@link WorkerFailureIT} took 10.
 */
@ExtendWith({SharedFixtures.class, LocalSpark.class})
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class DriverRestartIT {

    @AfterEach
    void pruneJars() {
        SharedFixtures.cluster().pruneApplicationJars();
    }

    @Test
    void killedDriverResumesFromTheLastCheckpoint() throws Exception {
        SparkStandaloneCluster cluster = SharedFixtures.cluster();
        String dataset = FaultData.dataset();
        Path run = ItEnv.newDir("driver-restart");
        String model = run.resolve("model").toString();
        String checkpoints = run.resolve("checkpoints").toString();
        String conf = PipelineConfigs.write(run, "train.json",
                PipelineConfigs.train(dataset, model, 3).checkpointDir(checkpoints).build().toJson());

        try (SparkSubmission.Running first = SparkSubmission.to(cluster, run.resolve("1-train")).start("train", "--conf", conf)) {
            first.driver().awaitLog(Pattern.compile("epoch 1/3 "), Duration.ofMinutes(8));
            first.driver().kill();
        }
        assertFalse(Files.exists(Path.of(model)), "no model published by the killed run");
        List<String> epochs = PipelineOnClusterIT.checkpointEpochs(checkpoints);
        assertTrue(epochs.contains("epoch-00001"), "checkpoint of epoch 1 written before the kill: " + epochs);
        String newest = epochs.get(epochs.size() - 1);
        int done = Integer.parseInt(newest.substring("epoch-".length()));
        assertTrue(done < 3, "killed before the last epoch: " + epochs);
        assertFalse(EventLog.read(EventLog.all(run.resolve("1-train/events")).get(0)).ended(),
                "the first application did not end cleanly");

        Path result = run.resolve("resume-result.json");
        SparkSubmission.Result resumed = SparkSubmission.to(cluster, run.resolve("2-resume"))
                .run(Duration.ofMinutes(10), "train", "--conf", conf, "--resume", "--result", result.toString());
        assertEquals(0, resumed.exitCode(), resumed.describe());
        JsonNode r = Json.mapper().readTree(result.toFile());
        assertEquals(3, r.path("epochs").asInt(), r.toString());
        assertEquals(3 - done, r.path("epochsThisRun").asInt(), "epochs trained after the resume: " + r);
        assertTrue(r.path("resumedFrom").asText().endsWith(newest), "resumed from " + r.path("resumedFrom") + ", newest " + newest);
        assertEquals(3, r.path("history").size(), "metrics of all 3 epochs kept: " + r.path("history"));
        assertTrue(resumed.stdoutLines().stream().anyMatch(l -> l.startsWith("trained 3 epoch(s) (" + (3 - done)
                + " this run, resumed)")), resumed.describe());
        PipelineOnClusterIT.assertModelDirectory(model);
        assertEquals(2, resumed.eventLog().successfulTasksByExecutor("(training)").size(),
                "both executors trained after the resume");
    }
}
