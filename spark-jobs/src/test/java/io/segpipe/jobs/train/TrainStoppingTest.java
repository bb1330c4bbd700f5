package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
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
        // The clock jumps an hour once epoch 2's training starts: the budget of 10 minutes held the
        // first epoch, and after the second's training another epoch would end past it.
        AtomicBoolean late = new AtomicBoolean();
        SparkListener jumpAtEpoch2 = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                if (String.valueOf(start.properties().getProperty("spark.job.description")).contains("epoch 2/3 (training)")) {
                    late.set(true);
                }
            }
        };
        SparkContext sc = LocalSpark.session().sparkContext();
        sc.addSparkListener(jumpAtEpoch2);
        TrainResult r;
        try {
            r = TrainJob.run(TrainFixtures.config(tmp).epochs(3).validateEvery(3).checkpointEvery(3).maxMinutes(10).build(),
                    LocalSpark.session(), () -> System.nanoTime() + (late.get() ? TimeUnit.HOURS.toNanos(1) : 0));
        } finally {
            sc.removeSparkListener(jumpAtEpoch2);
        }
        assertTrue(r.stoppedEarly());
        assertEquals(2, r.epochs());
        assertEquals(2, r.epochsThisRun());
        assertTrue(r.last().validated(), "validated although validateEvery is 3");
        assertTrue(Files.exists(Path.of(URI.create(r.checkpoints())).resolve("epoch-00002")),
                "checkpointed although checkpointEvery is 3");
        assertEquals(2, ModelDirectory.readInfo(r.output(), new Configuration()).provenance().training().modelEpoch());
    }

    @Test
    void aBudgetShorterThanOneEpochEndsTheRunWithOneMessageNamingMaxMinutesAndNoModel() {
        // 60 microseconds: spent before the first epoch can finish
        TrainConfig config = TrainFixtures.config(tmp).epochs(3).maxMinutes(1e-6).build();
        long start = System.nanoTime();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainJob.run(config, LocalSpark.session()));
        assertTrue(e.getMessage().startsWith("maxMinutes=1.0E-6 is shorter than one epoch: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("training stopped and wrote no model. Raise maxMinutes, or set it to 0 for"
                + " no time budget"), e.getMessage());
        assertTrue(e.getCause() instanceof SparkException, String.valueOf(e.getCause()));
        assertFalse(Files.exists(Path.of(config.output())), "no model directory");
        assertTrue((System.nanoTime() - start) / 1e9 < 60, "stopped within seconds, not after the epochs");
        assertEquals(3, JavaSparkContext.fromSparkContext(LocalSpark.session().sparkContext())
                .parallelize(List.of(1, 2, 3), 2).count(), "jobs run again after the run");
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
