package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * The deadline's decision on a fake clock: it fires only when the budget is spent and no epoch of
 * the call has finished, and keeps cancelling once fired. The whole path on local Spark is in
 * {@link TrainStoppingTest}.
 */
class EpochDeadlineTest {
    private long now;
    private final AtomicInteger cancels = new AtomicInteger();

    private void advanceSeconds(double s) {
        now += Math.round(s * 1e9);
    }

    @Test
    void firesWhenTheBudgetIsSpentBeforeTheFirstEpochFinishedAndRepeatsTheCancellation() {
        TimeBudget budget = new TimeBudget(1, () -> now);
        EpochDeadline d = new EpochDeadline(budget, 1, cancels::incrementAndGet, false);
        advanceSeconds(59.9);
        d.check();
        assertFalse(d.fired());
        advanceSeconds(0.1);
        d.check();
        assertTrue(d.fired(), "60 s of a 1-minute budget spent in the first epoch");
        assertEquals(1, cancels.get());
        d.check();
        assertEquals(2, cancels.get(), "a job started after the cancellation is cancelled too");
    }

    @Test
    void neverFiresOnceAnEpochFinishedOrWithoutABudget() {
        TimeBudget budget = new TimeBudget(1, () -> now);
        EpochDeadline d = new EpochDeadline(budget, 1, cancels::incrementAndGet, false);
        long start = budget.now();
        advanceSeconds(50);
        budget.epochFinished(start);
        advanceSeconds(3600); // past the budget: the run stops between epochs, after one
        d.check();
        TimeBudget none = new TimeBudget(0, () -> now);
        EpochDeadline unlimited = new EpochDeadline(none, 0, cancels::incrementAndGet, false);
        advanceSeconds(1e6);
        unlimited.check();
        assertFalse(d.fired());
        assertFalse(unlimited.fired());
        assertEquals(0, cancels.get());
    }

    @Test
    void onlyFailuresAfterItFiredAreTranslated() throws IOException {
        TimeBudget budget = new TimeBudget(0.5, () -> now);
        EpochDeadline d = new EpochDeadline(budget, 0.5, cancels::incrementAndGet, false);
        IOException io = new IOException("disk full");
        assertSame(io, assertThrows(IOException.class, () -> d.guard(() -> {
            throw io;
        })));
        assertEquals("trained", d.guard(() -> "trained"));
        advanceSeconds(95);
        d.check();
        IllegalStateException cancelled = new IllegalStateException("job cancelled");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.guard(() -> {
            throw cancelled;
        }));
        assertEquals("maxMinutes=0.5 is shorter than one epoch: 00:01:35 after the start the run's first epoch had not"
                + " finished (its progress lines above tell how long one takes); training stopped and wrote no model."
                + " Raise maxMinutes, or set it to 0 for no time budget", e.getMessage());
        assertSame(cancelled, e.getCause());
    }
}
