package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.segpipe.jobs.model.EpochMetrics;

/** The best model is a copy of the live one, taken only when an epoch's val mIoU beats the best. */
class BestModelTest {
    /** The live "network": training changes it in place. */
    private final int[] live = {0};
    private final AtomicInteger snapshots = new AtomicInteger();
    private final Supplier<int[]> snapshot = () -> {
        snapshots.incrementAndGet();
        return live.clone();
    };

    private static EpochMetrics epoch(int number, Double valMeanIoU) {
        return new EpochMetrics(number, 1.0, 0.01, 8, 1.0, 8.0, 0, valMeanIoU, valMeanIoU == null ? null : 0.9, null,
                valMeanIoU == null ? 0 : 1.0);
    }

    @Test
    void keepsTheEarliestBestAcrossEpochsThatDoNotBeatIt() {
        BestModel<int[]> best = BestModel.none();
        assertEquals(Double.NEGATIVE_INFINITY, best.meanIoU());
        assertTrue(best.model().isEmpty() && best.metrics().isEmpty());

        live[0] = 1;
        assertFalse(best.offer(epoch(1, null), snapshot), "no validation");
        live[0] = 2;
        assertTrue(best.offer(epoch(2, 0.5), snapshot));
        live[0] = 3;
        assertFalse(best.offer(epoch(3, 0.25), snapshot), "worse");
        live[0] = 4;
        assertFalse(best.offer(epoch(4, 0.5), snapshot), "a tie keeps the earlier epoch");
        live[0] = 5;
        assertFalse(best.offer(epoch(5, Double.NaN), snapshot), "NaN never wins");

        assertArrayEquals(new int[] {2}, best.model().orElseThrow(), "the copy taken at epoch 2, not the live model");
        assertEquals(2, best.metrics().orElseThrow().epoch());
        assertEquals(0.5, best.meanIoU());
        assertEquals(1, snapshots.get(), "copied only when kept");

        live[0] = 6;
        assertTrue(best.offer(epoch(6, 0.5000001), snapshot));
        assertArrayEquals(new int[] {6}, best.model().orElseThrow());
        assertEquals(2, snapshots.get());
    }

    @Test
    void aResumedBestIsBeatenOnlyByAHigherValue() {
        BestModel<int[]> best = BestModel.of(new int[] {7}, epoch(7, 0.5));
        assertFalse(best.offer(epoch(8, 0.5), snapshot));
        assertArrayEquals(new int[] {7}, best.model().orElseThrow());
        assertTrue(best.offer(epoch(9, 0.75), snapshot));
        assertEquals(9, best.metrics().orElseThrow().epoch());
    }
}
