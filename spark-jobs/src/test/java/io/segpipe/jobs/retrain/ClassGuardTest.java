package io.segpipe.jobs.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.segpipe.jobs.eval.ConfusionMatrix;
import io.segpipe.jobs.eval.SegmentationMetrics;

/** The per-class guard of the promotion rule ({@link PromotionPolicy#maxClassRegression()}). */
class ClassGuardTest {

    /** The challenger wins on mIoU (+0.05) but class "car" drops from 0.60 to 0.40. */
    private static final List<PromotionPolicy.ClassIoU> CAR_DROPS = List.of(
            new PromotionPolicy.ClassIoU(0, "road", 0.50, 0.80),
            new PromotionPolicy.ClassIoU(1, "car", 0.60, 0.40),
            new PromotionPolicy.ClassIoU(2, "sky", 0.70, 0.75));

    @Test
    void withoutTheGuardABetterMeanIsPromoted() {
        PromotionPolicy policy = new PromotionPolicy(Metric.MEAN_IOU, 0.01, null);
        assertTrue(policy.decide(0.65, 0.60, "v000001", CAR_DROPS).promote());
        assertTrue(new PromotionPolicy(Metric.MEAN_IOU, 0.01, null, null).decide(0.65, 0.60, "v000001", CAR_DROPS)
                .promote());
    }

    @Test
    void withTheGuardAClassRegressionRefusesAndTheReasonNamesTheClassAndBothIous() {
        PromotionPolicy policy = new PromotionPolicy(Metric.MEAN_IOU, 0.01, null, 0.1);
        PromotionPolicy.Decision d = policy.decide(0.65, 0.60, "v000001", CAR_DROPS);
        assertFalse(d.promote());
        assertEquals("challenger meanIoU 0.6500 beats champion v000001 (0.6000), but class car (id 1) IoU 0.4000 "
                + "is below the champion's 0.6000 by 0.2000, more than maxClassRegression 0.1000; champion kept",
                d.reason());
    }

    @Test
    void theReasonNamesTheLargestRegression() {
        List<PromotionPolicy.ClassIoU> two = List.of(new PromotionPolicy.ClassIoU(0, "road", 0.90, 0.70),
                new PromotionPolicy.ClassIoU(1, "car", 0.60, 0.30), new PromotionPolicy.ClassIoU(2, "sky", 0.2, 0.9));
        PromotionPolicy.Decision d = new PromotionPolicy(Metric.MEAN_IOU, 0, null, 0.1).decide(0.7, 0.6, "v2", two);
        assertFalse(d.promote());
        assertTrue(d.reason().contains("class car (id 1) IoU 0.3000 is below the champion's 0.6000"), d.reason());
    }

    @Test
    void exactlyAtTheMarginPassesJustBeyondItDoesNot() {
        // 0.60 - 0.45 is 0.15000000000000002 in doubles: the guard's slack counts it as exactly 0.15
        List<PromotionPolicy.ClassIoU> atMargin = List.of(new PromotionPolicy.ClassIoU(1, "car", 0.60, 0.45));
        assertTrue(new PromotionPolicy(Metric.MEAN_IOU, 0.01, null, 0.15).decide(0.65, 0.60, "v1", atMargin).promote());
        List<PromotionPolicy.ClassIoU> beyond = List.of(new PromotionPolicy.ClassIoU(1, "car", 0.60, 0.4499));
        assertFalse(new PromotionPolicy(Metric.MEAN_IOU, 0.01, null, 0.15).decide(0.65, 0.60, "v1", beyond).promote());
        List<PromotionPolicy.ClassIoU> none = List.of(new PromotionPolicy.ClassIoU(1, "car", 0.60, 0.60));
        assertTrue(new PromotionPolicy(Metric.MEAN_IOU, 0.01, null, 0.0).decide(0.65, 0.60, "v1", none).promote(),
                "a guard of 0 allows no drop but an unchanged class");
    }

    @Test
    void undefinedClassesAreNotComparedAndTheGuardNeedsAChampion() {
        List<PromotionPolicy.ClassIoU> absent = List.of(new PromotionPolicy.ClassIoU(3, "boat", 0.9, Double.NaN));
        PromotionPolicy policy = new PromotionPolicy(Metric.MEAN_IOU, 0.01, null, 0.05);
        assertTrue(policy.decide(0.65, 0.60, "v1", absent).promote());
        assertTrue(policy.decide(0.65, null, null, List.of()).promote(), "first model: nothing to regress from");
        PromotionPolicy.Decision notBetter = policy.decide(0.60, 0.60, "v1", CAR_DROPS);
        assertFalse(notBetter.promote());
        assertTrue(notBetter.reason().contains("does not beat champion"), "the metric decides first: "
                + notBetter.reason());
    }

    @Test
    void classIousComeFromBothModelsMetricsInClassOrder() {
        // truth 0 0 1 1; champion predicts 0 0 1 1 (all IoU 1), challenger 0 0 0 1 (IoU 2/3 and 1/2)
        int[] truth = {0, 0, 1, 1};
        SegmentationMetrics champion = SegmentationMetrics.of(new ConfusionMatrix(2, -1).add(truth,
                new int[] {0, 0, 1, 1}), List.of("road", "car"));
        SegmentationMetrics challenger = SegmentationMetrics.of(new ConfusionMatrix(2, -1).add(truth,
                new int[] {0, 0, 0, 1}), List.of("road", "car"));
        List<PromotionPolicy.ClassIoU> classes = PromotionPolicy.ClassIoU.of(champion, challenger);
        assertEquals(List.of("road", "car"), classes.stream().map(PromotionPolicy.ClassIoU::name).toList());
        assertEquals(1.0 - 2.0 / 3, classes.get(0).regression(), 1e-12);
        assertEquals(0.5, classes.get(1).regression(), 1e-12);
        PromotionPolicy.Decision d = new PromotionPolicy(Metric.PIXEL_ACCURACY, 0, null, 0.4).decide(0.8, 0.7, "v1",
                classes);
        assertTrue(d.reason().contains("class car (id 1) IoU 0.5000 is below the champion's 1.0000 by 0.5000"),
                d.reason());
    }

    @Test
    void theGuardIsValidatedNamingTheKey() {
        assertEquals("maxClassRegression must be in [0, 1] or unset, found 1.5", assertThrows(
                IllegalArgumentException.class, () -> new PromotionPolicy(Metric.MEAN_IOU, 0, null, 1.5)).getMessage());
        assertEquals("maxClassRegression must be in [0, 1] or unset, found NaN", assertThrows(
                IllegalArgumentException.class, () -> new PromotionPolicy(Metric.MEAN_IOU, 0, null, Double.NaN))
                .getMessage());
    }
}
