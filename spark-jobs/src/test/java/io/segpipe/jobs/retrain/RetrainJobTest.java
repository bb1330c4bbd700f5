package io.segpipe.jobs.retrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.registry.HistoryRecord;
import io.segpipe.jobs.registry.LockSettings;
import io.segpipe.jobs.registry.ModelRegistry;
import io.segpipe.jobs.registry.RegistryLock;
import io.segpipe.jobs.registry.RegistryLockedException;
import io.segpipe.jobs.registry.RunOutcome;
import io.segpipe.prep.testkit.LocalSpark;

/**
 * Retraining end to end on tiny synthetic data with the real training and evaluation jobs: the
 * first run promotes, an unreachable margin keeps the champion and says why, a failure between
 * steps leaves the pointer and the next run succeeds; the dataset is re-read every run.
 */
@ExtendWith(LocalSpark.class)
class RetrainJobTest {

    @TempDir
    Path tmp;

    @Test
    void promotesKeepsRecordsFailuresAndRecovers() throws Exception {
        RetrainConfig base = RetrainFixtures.config(tmp);
        Path root = tmp.resolve("registry");
        ModelRegistry registry = ModelRegistry.open(root.toString(), new Configuration());

        // 1. First run: no champion, no floor -> promoted.
        RetrainResult first = RetrainJob.run(base.toBuilder().runId("first").build(), LocalSpark.session());
        assertEquals(RunOutcome.PROMOTED, first.outcome(), first.reason());
        assertEquals(1, first.challengerVersion());
        assertNull(first.championVersion());
        assertEquals(1, registry.production().orElseThrow().version());
        assertTrue(Files.isDirectory(root.resolve("reports/first/challenger")));

        // 2. More data arrives; a margin no challenger can meet keeps the champion.
        RetrainFixtures.prepare(tmp, base.dataset(), 40, 6);
        RetrainResult second = RetrainJob.run(base.toBuilder().runId("second").margin(1.0).build(),
                LocalSpark.session());
        assertEquals(RunOutcome.KEPT, second.outcome());
        assertEquals(2, second.challengerVersion());
        assertEquals(1, second.championVersion());
        assertEquals(1, second.productionVersion());
        assertTrue(second.reason().contains("does not beat champion v000001"), second.reason());
        assertTrue(second.reason().endsWith("champion kept"), second.reason());
        assertEquals(1, registry.production().orElseThrow().version());

        // 3. A failure between registering and deciding leaves the pointer as it was.
        byte[] pointer = Files.readAllBytes(root.resolve(ModelRegistry.POINTER));
        RetrainJob.afterStep = step -> {
            if (step.equals("registered")) {
                throw new IllegalStateException("injected failure after " + step);
            }
        };
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> RetrainJob.run(base.toBuilder().runId("third").margin(0).build(), LocalSpark.session()));
            assertEquals("injected failure after registered", e.getMessage());
        } finally {
            RetrainJob.afterStep = step -> { };
        }
        assertArrayEquals(pointer, Files.readAllBytes(root.resolve(ModelRegistry.POINTER)));
        assertFalse(Files.exists(root.resolve(ModelRegistry.LOCK)), "the lock was released");

        // 4. Warm start: the challenger trains from the production model's weights (recorded in the history).
        RetrainResult warm = RetrainJob.run(base.toBuilder().runId("warm").warmStart(true).margin(1.0).build(),
                LocalSpark.session());
        assertEquals(RunOutcome.KEPT, warm.outcome());
        assertEquals(4, warm.challengerVersion());

        // 5. A run while another holds the registry fails at once, naming the holder.
        try (RegistryLock held = registry.lock("holder", LockSettings.staleAfter(Duration.ofMinutes(10)))) {
            RegistryLockedException locked = assertThrows(RegistryLockedException.class,
                    () -> RetrainJob.run(base.toBuilder().runId("blocked").build(), LocalSpark.session()));
            assertTrue(locked.getMessage().contains("is locked by run holder"), locked.getMessage());
        }

        // 6. The next run succeeds.
        RetrainResult fourth = RetrainJob.run(base.toBuilder().runId("fourth").margin(0).build(), LocalSpark.session());
        assertEquals(5, fourth.challengerVersion(), "v000003 was registered by the failed run, v000004 by the warm one");
        assertEquals(fourth.outcome() == RunOutcome.PROMOTED ? 5 : 1, registry.production().orElseThrow().version());

        List<HistoryRecord> history = registry.history();
        assertEquals(List.of("first", "second", "third", "warm", "fourth"),
                history.stream().map(HistoryRecord::runId).toList());
        assertEquals(List.of(RunOutcome.PROMOTED, RunOutcome.KEPT, RunOutcome.FAILED, RunOutcome.KEPT,
                fourth.outcome()), history.stream().map(HistoryRecord::outcome).toList());
        assertEquals(1, history.get(3).warmStartFrom(), "the warm run started from the production version");
        assertEquals(null, history.get(1).warmStartFrom());
        HistoryRecord h1 = history.get(0);
        HistoryRecord h2 = history.get(1);
        assertEquals(32, h1.datasetSamples());
        assertEquals(40, h2.datasetSamples(), "the second run re-read the grown dataset");
        assertNotEquals(h1.datasetManifestSha256(), h2.datasetManifestSha256());
        assertTrue(h1.championMetrics().isEmpty());
        assertEquals(second.challengerScore(), h2.challengerMetrics().get("meanIoU"));
        assertEquals(second.championScore(), h2.championMetrics().get("meanIoU"));
        assertEquals("val", h2.evalSplit());
        assertTrue(h2.seconds().keySet().containsAll(List.of("train", "evalChallenger", "evalChampion", "total")),
                h2.seconds().toString());
        HistoryRecord h3 = history.get(2);
        assertEquals("IllegalStateException: injected failure after registered", h3.error());
        assertEquals(3, h3.challengerVersion());
        assertEquals(1, h3.productionAfter());
        try (var staging = Files.list(root.resolve(ModelRegistry.STAGING))) {
            assertEquals(0, staging.count(), "work areas removed");
        }
    }
}
