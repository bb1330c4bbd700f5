package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Patience counting on val mIoU; the values are exact in binary, so the boundaries are exact too. */
class EarlyStoppingTest {
    private static final double NONE = Double.NEGATIVE_INFINITY;

    @Test
    void countsValidationsWithoutAGainAboveMinDeltaAndStopsAtPatience() {
        EarlyStopping s = new EarlyStopping(2, 0.125, NONE, 0);
        s.record(0.25);
        assertEquals(0, s.validationsWithoutImprovement(), "the first validation improves on nothing");
        s.record(0.25);
        assertEquals(1, s.validationsWithoutImprovement(), "a tie is no improvement");
        assertFalse(s.shouldStop());
        s.record(0.375);
        assertEquals(2, s.validationsWithoutImprovement(), "a gain of exactly minDelta is no improvement");
        assertTrue(s.shouldStop());
        s.record(0.5625);
        assertEquals(0, s.validationsWithoutImprovement(), "a gain above minDelta over the best resets the count");
        assertFalse(s.shouldStop());
    }

    @Test
    void nanAndEpochsWithoutValidationLeaveTheCountAndTheBestAlone() {
        EarlyStopping s = new EarlyStopping(2, 0.125, NONE, 0);
        s.record(Double.NaN);
        s.record(null);
        assertEquals(0, s.validationsWithoutImprovement());
        s.record(0.5);
        s.record(0.5);
        s.record(Double.NaN);
        s.record(null);
        assertEquals(1, s.validationsWithoutImprovement());
        s.record(0.625);
        assertEquals(2, s.validationsWithoutImprovement(), "the best is still 0.5: 0.625 gains exactly minDelta");
    }

    @Test
    void theBestClimbsWithGainsBelowMinDeltaSoASlowClimbRunsOutOfPatience() {
        EarlyStopping s = new EarlyStopping(3, 0.125, 0.25, 0);
        s.record(0.3125);
        s.record(0.4375);
        assertEquals(2, s.validationsWithoutImprovement(),
                "0.4375 is 0.1875 above the start but only 0.125 above the best before it, 0.3125");
        s.record(0.5);
        assertTrue(s.shouldStop());
    }

    @Test
    void withoutPatienceItNeverStops() {
        EarlyStopping s = new EarlyStopping(0, 0.125, NONE, 0);
        for (int i = 0; i < 5; i++) {
            s.record(0.5);
        }
        assertEquals(4, s.validationsWithoutImprovement());
        assertFalse(s.shouldStop());
    }

    @Test
    void aResumedRunContinuesTheCountAndTheBestOfItsCheckpoint() {
        EarlyStopping s = new EarlyStopping(2, 0.125, 0.5, 1);
        assertFalse(s.shouldStop());
        s.record(0.5625);
        assertEquals(2, s.validationsWithoutImprovement(), "0.5625 is within minDelta of the checkpoint's best");
        assertTrue(s.shouldStop());
    }
}
