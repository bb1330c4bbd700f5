package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.prep.testkit.LocalSpark;

/** The time budget and early stopping end a run before its epochs, and the run still ends as a complete one. */
@ExtendWith(LocalSpark.class)
class TrainStoppingTest {
    @TempDir
    Path tmp;

    @Test
    void anExhaustedTimeBudgetEndsTheRunValidatedAndCheckpointed() throws Exception {
        // 60 microseconds: the first epoch's training already uses it up
        TrainResult r = TrainJob.run(TrainFixtures.config(tmp).epochs(3).validateEvery(3).checkpointEvery(3)
                .maxMinutes(1e-6).build(), LocalSpark.session());
        assertTrue(r.stoppedEarly());
        assertEquals(1, r.epochs());
        assertEquals(1, r.epochsThisRun());
        assertTrue(r.last().validated(), "validated although validateEvery is 3");
        assertTrue(Files.exists(Path.of(URI.create(r.checkpoints())).resolve("epoch-00001")),
                "checkpointed although checkpointEvery is 3");
        assertEquals(1, ModelDirectory.readInfo(r.output(), new Configuration()).provenance().training().modelEpoch());
    }

    @Test
    void earlyStoppingEndsTheRunWhenPatienceRunsOut() throws Exception {
        // no gain can exceed a minDelta of 1: the second validation is the first without improvement
        TrainResult r = TrainJob.run(TrainFixtures.config(tmp).epochs(4).earlyStoppingPatience(1)
                .earlyStoppingMinDelta(1).checkpointEvery(0).build(), LocalSpark.session());
        assertTrue(r.stoppedEarly());
        assertEquals(2, r.epochs());
        assertEquals(r.history().best().orElseThrow().epoch(), r.modelEpoch(), "the best of the two epochs is written");
    }
}
