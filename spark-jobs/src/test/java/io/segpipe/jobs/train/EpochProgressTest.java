package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.apache.spark.SparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.segpipe.prep.progress.Progress;
import io.segpipe.prep.testkit.LocalSpark;

/** The line inside an epoch: minibatches, images per second, the running loss per pixel, and ETAs the budget caps. */
@ExtendWith(LocalSpark.class)
class EpochProgressTest {
    private long now = 1_000_000_000L;

    private LossListener listener() {
        SparkContext sc = LocalSpark.session().sparkContext();
        return new LossListener(sc.doubleAccumulator("test loss"), sc.longAccumulator("test batches"), 32 * 32);
    }

    private EpochProgress progress(double maxMinutes, LossListener loss) {
        TrainConfig config = TrainFixtures.config(java.nio.file.Path.of("/unused")).epochs(10).build();
        return new EpochProgress(config, new TimeBudget(maxMinutes, () -> now), loss, 40, null);
    }

    @Test
    void aLineShowsTheMinibatchesRateLossAndBothEtas() {
        LossListener loss = listener();
        EpochProgress progress = progress(0, loss);
        now += 20_000_000_000L; // 20 s into the run and the epoch
        Progress reading = new Progress("epoch 1/10", "minibatches", 4, 10, 0, 0, 20,
                Map.of(loss.lossSum().id(), 4 * 0.75));
        // 4 of 10 minibatches in 20 s: 0.2 minibatches/s x 4 images; 30 s to go; 9 more epochs of ~50 s
        assertEquals("epoch 1/10: 4/10 minibatches (40.0%), 0.80 img/s, loss/pixel 0.7500, epoch ETA 00:00:30,"
                + " run ETA 00:08:00", progress.line(reading, 1));
    }

    @Test
    void theTimeBudgetCapsTheRunEta() {
        LossListener loss = listener();
        EpochProgress progress = progress(2, loss); // 120 s
        now += 20_000_000_000L;
        Progress reading = new Progress("epoch 1/10", "minibatches", 4, 10, 0, 0, 20, Map.of());
        assertEquals("epoch 1/10: 4/10 minibatches (40.0%), 0.80 img/s, loss/pixel 0.0000, epoch ETA 00:00:30,"
                + " run ETA 00:01:40 (time budget)", progress.line(reading, 1));
        Progress none = new Progress("epoch 1/10", "minibatches", 0, 10, 0, 0, 20, Map.of());
        assertEquals("epoch 1/10: 0/10 minibatches (0.0%), 0.00 img/s, loss/pixel n/a, epoch ETA unknown,"
                + " run ETA unknown", progress.line(none, 1));
    }
}
