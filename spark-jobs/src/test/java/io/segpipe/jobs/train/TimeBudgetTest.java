package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The stop decision from an injected clock: time since the call started plus the mean of this
 * call's whole epochs and the current epoch's training, against {@code maxMinutes}.
 */
class TimeBudgetTest {
    private long now = 5_000_000_000L; // any origin: only differences count

    private TimeBudget budget(double maxMinutes) {
        return new TimeBudget(maxMinutes, () -> now);
    }

    private void advance(double seconds) {
        now += Math.round(seconds * 1e9);
    }

    /** Runs an epoch of {@code seconds} in total through the budget. */
    private void wholeEpoch(TimeBudget budget, double seconds) {
        long start = budget.now();
        advance(seconds);
        budget.epochFinished(start);
    }

    @Test
    void withoutABudgetNoEpochIsTooLong() {
        TimeBudget budget = budget(0);
        advance(1e6);
        assertFalse(budget.anotherEpochExceeds(1e6));
    }

    @Test
    void theFirstEpochIsEstimatedFromItsTrainingAndTheSetupTimeCounts() {
        TimeBudget budget = budget(2); // 120 s
        advance(10); // opening the dataset, checks
        long start = budget.now();
        advance(55);
        assertEquals(55, budget.secondsSince(start), 1e-9);
        assertFalse(budget.anotherEpochExceeds(budget.secondsSince(start)), "65 s spent + 55 s is exactly the budget");
        advance(1);
        assertTrue(budget.anotherEpochExceeds(budget.secondsSince(start)), "66 s spent + 56 s is past it");
    }

    @Test
    void laterEpochsUseTheMeanOfTheWholeEpochsAndTheCurrentTraining() {
        TimeBudget roomy = budget(5.5); // 330 s
        TimeBudget tight = budget(5.25); // 315 s, started at the same moment
        for (int epoch = 0; epoch < 2; epoch++) { // training, validation and checkpoint: 100 s each
            long start = now;
            advance(100);
            roomy.epochFinished(start);
            tight.epochFinished(start);
        }
        long third = now;
        advance(40); // epoch 3's training: 240 s spent, expected epoch (100 + 100 + 40) / 3 = 80 s
        double training = roomy.secondsSince(third);
        assertFalse(roomy.anotherEpochExceeds(training), "240 + 80 = 320 s fits 330 s (the last epoch's 100 s would not)");
        assertTrue(tight.anotherEpochExceeds(training), "320 s exceeds 315 s (the training's 40 s alone would not)");
    }

    @Test
    void countsTheFinishedEpochsAndEstimatesTheRemainingTime() {
        TimeBudget budget = budget(0);
        wholeEpoch(budget, 90);
        wholeEpoch(budget, 110);
        assertEquals(2, budget.epochsFinished());
        assertEquals(300, budget.etaSeconds(3), 1e-9);
        assertEquals(200, budget.elapsedSeconds(), 1e-9);
    }

    @Test
    void theRemainingBudgetCapsTheEstimates() {
        TimeBudget budget = budget(10); // 600 s
        wholeEpoch(budget, 100);
        wholeEpoch(budget, 100);
        assertEquals(400, budget.remainingSeconds(), 1e-9);
        assertEquals(400, budget.etaSeconds(8), 1e-9, "8 epochs of 100 s would take 800 s; the run ends in 400 s");
        assertTrue(budget.caps(budget.etaSeconds(8)));
        assertEquals(300, budget.etaSeconds(3), 1e-9);
        assertFalse(budget.caps(300));
        // inside the third epoch, 30 s in, 70 s to go: then 5 more epochs at the mean of 100 s
        advance(30);
        assertEquals(170, budget.runEtaSeconds(70, 100, 1), 1e-9);
        assertEquals(370, budget.runEtaSeconds(70, 100, 5), 1e-9, "570 s of work, 370 s of budget left");
    }

    @Test
    void withoutABudgetNothingIsCappedAndTheFirstEpochEstimatesItself() {
        TimeBudget budget = budget(0);
        advance(40);
        assertEquals(Double.POSITIVE_INFINITY, budget.remainingSeconds());
        assertEquals(60 + 3 * 100, budget.runEtaSeconds(60, 100, 3), 1e-9, "no epoch finished: the current one's estimate");
        assertFalse(budget.caps(1e9));
    }
}
