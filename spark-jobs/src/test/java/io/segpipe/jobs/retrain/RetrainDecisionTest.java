package io.segpipe.jobs.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.segpipe.jobs.eval.ConfusionMatrix;
import io.segpipe.jobs.eval.SegmentationMetrics;
import io.segpipe.prep.Json;

/** The promotion rule as a pure function: every branch and its reason. */
class RetrainDecisionTest {

    private static final PromotionPolicy MIOU_1PT = new PromotionPolicy(Metric.MEAN_IOU, 0.01, null);

    @Test
    void theFirstModelIsPromotedWithoutAFloor() {
        PromotionPolicy.Decision d = MIOU_1PT.decide(0.12, null, null);
        assertTrue(d.promote());
        assertEquals("no production model yet; challenger meanIoU 0.1200; promoted", d.reason());
    }

    @Test
    void theFirstModelMustMeetTheFloorWhenOneIsSet() {
        PromotionPolicy floor = new PromotionPolicy(Metric.MEAN_IOU, 0.01, 0.5);
        assertEquals(new PromotionPolicy.Decision(false,
                "challenger meanIoU 0.4999 is below the floor 0.5000; no production model yet, none promoted"),
                floor.decide(0.4999, null, null));
        assertEquals(new PromotionPolicy.Decision(true,
                "no production model yet; challenger meanIoU 0.5000 meets the floor 0.5000; promoted"),
                floor.decide(0.5, null, null));
    }

    @Test
    void aChallengerBetterByTheMarginIsPromoted() {
        assertEquals(new PromotionPolicy.Decision(true,
                "challenger meanIoU 0.6200 beats champion v000003 (0.6100) by +0.0100, margin 0.0100; promoted"),
                MIOU_1PT.decide(0.62, 0.61, "v000003"), "exactly the margin counts, despite 0.62 - 0.61 < 0.01 in doubles");
        assertTrue(MIOU_1PT.decide(0.70, 0.61, "v000003").promote());
    }

    @Test
    void aChallengerBelowTheMarginKeepsTheChampionAndSaysWhy() {
        assertEquals(new PromotionPolicy.Decision(false, "challenger meanIoU 0.6150 does not beat champion v000003 "
                + "(0.6100) by the margin 0.0100 (difference +0.0050); champion kept"),
                MIOU_1PT.decide(0.615, 0.61, "v000003"));
        assertFalse(MIOU_1PT.decide(0.5, 0.61, "v000003").promote(), "worse");
    }

    @Test
    void withZeroMarginATieIsNotAnImprovement() {
        PromotionPolicy zero = new PromotionPolicy(Metric.MEAN_IOU, 0, null);
        assertFalse(zero.decide(0.61, 0.61, "v1").promote());
        assertTrue(zero.decide(0.6101, 0.61, "v1").promote());
    }

    @Test
    void theFloorAlsoGuardsLaterRuns() {
        PromotionPolicy floor = new PromotionPolicy(Metric.MEAN_IOU, 0.0, 0.5);
        PromotionPolicy.Decision d = floor.decide(0.45, 0.30, "v000002");
        assertFalse(d.promote());
        assertEquals("challenger meanIoU 0.4500 is below the floor 0.5000; champion v000002 kept", d.reason());
    }

    @Test
    void undefinedScores() {
        assertFalse(MIOU_1PT.decide(Double.NaN, null, null).promote());
        assertFalse(MIOU_1PT.decide(Double.NaN, 0.4, "v1").promote());
        assertTrue(MIOU_1PT.decide(Double.NaN, 0.4, "v1").reason().startsWith("challenger meanIoU is undefined (NaN"));
        assertTrue(MIOU_1PT.decide(0.1, Double.NaN, "v1").promote());
    }

    @Test
    void policyValidationNamesTheField() {
        assertEquals("margin must be in [0, 1], found -0.1", assertThrows(IllegalArgumentException.class,
                () -> new PromotionPolicy(Metric.MEAN_IOU, -0.1, null)).getMessage());
        assertEquals("margin must be in [0, 1], found NaN", assertThrows(IllegalArgumentException.class,
                () -> new PromotionPolicy(Metric.MEAN_IOU, Double.NaN, null)).getMessage());
        assertEquals("floor must be in [0, 1] or unset, found 2.0", assertThrows(IllegalArgumentException.class,
                () -> new PromotionPolicy(Metric.MEAN_IOU, 0, 2.0)).getMessage());
    }

    @Test
    void metricsAreReadFromOneConfusionMatrixAndParsedByKeyOrName() {
        ConfusionMatrix cm = new ConfusionMatrix(2, -1);
        cm.add(new int[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 1}, new int[] {0, 0, 0, 0, 0, 0, 1, 1, 1, 1});
        SegmentationMetrics m = SegmentationMetrics.of(cm, List.of("a", "b"));
        assertEquals(0.8, Metric.PIXEL_ACCURACY.of(m), 1e-12);
        assertEquals((0.75 + 0.5) / 2, Metric.MEAN_IOU.of(m), 1e-12);
        Map<String, Double> all = Metric.all(m);
        assertEquals(List.of("meanIoU", "pixelAccuracy", "meanClassAccuracy", "frequencyWeightedIoU", "meanDice"),
                List.copyOf(all.keySet()));
        assertEquals(Metric.MEAN_IOU, Metric.parse("MEANIOU"));
        assertEquals(Metric.MEAN_IOU, Metric.parse("MEAN_IOU"));
        assertEquals(Metric.MEAN_DICE, Metric.parse("mean_dice"));
        assertEquals(Metric.FREQUENCY_WEIGHTED_IOU, Json.read("\"frequencyWeightedIoU\"", Metric.class));
        assertEquals("\"meanIoU\"", Json.write(Metric.MEAN_IOU));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Metric.parse("f1")).getMessage()
                .startsWith("metric must be one of [meanIoU, pixelAccuracy,"));
    }
}
