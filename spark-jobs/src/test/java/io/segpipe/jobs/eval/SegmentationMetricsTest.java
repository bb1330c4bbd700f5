package io.segpipe.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.segpipe.prep.Json;
import io.segpipe.prep.schema.ClassTable;

class SegmentationMetricsTest {

    /**
     * Hand-computed: truth rows, prediction columns.
     * <pre>
     *        p0 p1 p2 p3
     *   t0 [ 5  1  0  0 ]
     *   t1 [ 2  3  0  1 ]
     *   t2 [ 0  0  0  0 ]   absent from truth and prediction
     *   t3 [ 0  0  0  0 ]   absent from truth, predicted once
     * </pre>
     */
    @Test
    void handComputedMetricsWithAnAbsentClass() {
        ConfusionMatrix m = ConfusionMatrix.fromCounts(new long[][] {{5, 1, 0, 0}, {2, 3, 0, 1}, {0, 0, 0, 0}, {0, 0, 0, 0}},
                255, 4);
        SegmentationMetrics s = SegmentationMetrics.of(m, List.of("a", "b", "c", "d"));
        assertEquals(12, s.totalPixels());
        assertEquals(4, s.ignoredPixels());
        assertEquals(8.0 / 12, s.pixelAccuracy(), 1e-15);
        // class 0: TP 5, FN 1, FP 2 -> IoU 5/8, Dice 10/13, acc 5/6, precision 5/7
        SegmentationMetrics.ClassMetrics c0 = s.perClass().get(0);
        assertEquals(5.0 / 8, c0.iou(), 1e-15);
        assertEquals(10.0 / 13, c0.dice(), 1e-15);
        assertEquals(5.0 / 6, c0.accuracy(), 1e-15);
        assertEquals(5.0 / 7, c0.precision(), 1e-15);
        // class 1: TP 3, FN 3, FP 1 -> IoU 3/7, Dice 6/10, acc 1/2, precision 3/4
        SegmentationMetrics.ClassMetrics c1 = s.perClass().get(1);
        assertEquals(3.0 / 7, c1.iou(), 1e-15);
        assertEquals(0.6, c1.dice(), 1e-15);
        // class 2 absent: NaN everywhere and not in the means
        SegmentationMetrics.ClassMetrics c2 = s.perClass().get(2);
        assertTrue(c2.absent());
        assertTrue(Double.isNaN(c2.iou()) && Double.isNaN(c2.dice()) && Double.isNaN(c2.accuracy())
                && Double.isNaN(c2.precision()));
        // class 3: predicted once, never true: IoU 0 counts, accuracy undefined
        SegmentationMetrics.ClassMetrics c3 = s.perClass().get(3);
        assertFalse(c3.absent());
        assertEquals(0.0, c3.iou(), 0);
        assertEquals(0.0, c3.precision(), 0);
        assertTrue(Double.isNaN(c3.accuracy()));
        assertEquals(List.of(2), s.absentClasses());
        assertEquals(List.of("c"), s.absentClassNames());
        assertEquals((5.0 / 8 + 3.0 / 7 + 0) / 3, s.meanIoU(), 1e-15);
        assertEquals((10.0 / 13 + 0.6 + 0) / 3, s.meanDice(), 1e-15);
        assertEquals((5.0 / 6 + 0.5) / 2, s.meanClassAccuracy(), 1e-15);
        assertEquals(6.0 / 12 * 5.0 / 8 + 6.0 / 12 * 3.0 / 7, s.frequencyWeightedIoU(), 1e-15);
    }

    @Test
    void perfectPredictionAndEmptyMatrix() {
        ConfusionMatrix m = new ConfusionMatrix(3, -1).add(new int[] {0, 1, 2, 2}, new int[] {0, 1, 2, 2});
        SegmentationMetrics s = SegmentationMetrics.of(m, (List<String>) null);
        assertEquals(1.0, s.pixelAccuracy(), 0);
        assertEquals(1.0, s.meanIoU(), 0);
        assertEquals(1.0, s.frequencyWeightedIoU(), 1e-15);
        assertEquals("class 2", s.perClass().get(2).name());
        SegmentationMetrics empty = SegmentationMetrics.of(new ConfusionMatrix(3, -1), (List<String>) null);
        assertTrue(Double.isNaN(empty.pixelAccuracy()) && Double.isNaN(empty.meanIoU())
                && Double.isNaN(empty.meanClassAccuracy()) && Double.isNaN(empty.frequencyWeightedIoU()));
        assertEquals(List.of(0, 1, 2), empty.absentClasses());
    }

    @Test
    void namesFromTheClassTableMustMatchTheClassCount() {
        ConfusionMatrix m = ConfusionMatrix.of(ClassTable.camvid()).add(3, 3);
        assertEquals("Road", SegmentationMetrics.of(m, ClassTable.camvid()).perClass().get(3).name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SegmentationMetrics.of(m, ClassTable.of(null, "x", "y")));
        assertEquals("class table has 2 classes but the confusion matrix 11", e.getMessage());
    }

    @Test
    void jsonRoundTripKeepsNaN() {
        ConfusionMatrix m = ConfusionMatrix.fromCounts(new long[][] {{5, 1, 0}, {2, 3, 0}, {0, 0, 0}}, null, 0);
        SegmentationMetrics s = SegmentationMetrics.of(m, List.of("a", "b", "c"));
        String json = Json.write(s);
        assertTrue(json.contains("\"NaN\""), json);
        SegmentationMetrics back = Json.read(json, SegmentationMetrics.class);
        assertEquals(s, back);
    }
}
