package io.segpipe.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ImageScoreTest {

    private static final int IGNORE = 255;

    @Test
    void meanOverClassesInTruthOrPredictionWithIgnoredPixelsLeftOut() {
        // 3 classes; class 2 is in neither truth nor prediction of counted pixels (only predicted on an ignored one)
        int[] truth = {0, 0, 1, 1, IGNORE, IGNORE};
        int[] pred = {0, 1, 1, 1, 2, 0};
        ImageScore s = ImageScore.of("a", truth, 0, pred, 0, truth.length, 3, IGNORE);
        // class 0: TP 1, union 2 -> 1/2; class 1: TP 2, union 3 -> 2/3; class 2 absent
        assertEquals((0.5 + 2.0 / 3) / 2, s.meanIoU(), 1e-15);
        assertEquals(3.0 / 4, s.pixelAccuracy(), 1e-15);
        assertEquals(4, s.pixels());
        assertEquals(2, s.ignoredPixels());
        assertEquals(2, s.classes());
    }

    @Test
    void aClassPredictedButNotInTheTruthCountsWithIouZero() {
        int[] truth = {0, 0, 0, 0};
        int[] pred = {0, 0, 0, 1};
        ImageScore s = ImageScore.of("b", truth, 0, pred, 0, 4, 2, -1);
        assertEquals((3.0 / 4 + 0) / 2, s.meanIoU(), 1e-15);
        assertEquals(0.75, s.pixelAccuracy(), 1e-15);
        assertEquals(2, s.classes());
    }

    @Test
    void anImageWithEveryPixelIgnoredHasNoScoreAndSortsLast() {
        ImageScore none = ImageScore.of("z", new int[] {IGNORE, IGNORE}, 0, new int[] {0, 1}, 0, 2, 2, IGNORE);
        assertTrue(Double.isNaN(none.meanIoU()) && Double.isNaN(none.pixelAccuracy()));
        assertEquals(0, none.pixels());
        ImageScore perfect = ImageScore.of("y", new int[] {1}, 0, new int[] {1}, 0, 1, 2, IGNORE);
        ImageScore bad = ImageScore.of("x", new int[] {1}, 0, new int[] {0}, 0, 1, 2, IGNORE);
        List<ImageScore> all = new ArrayList<>(List.of(none, perfect, bad));
        all.sort(ImageScore.WORST_FIRST);
        assertEquals(List.of("x", "y", "z"), all.stream().map(ImageScore::id).toList());
    }

    @Test
    void tiesAreBrokenById() {
        ImageScore b = new ImageScore("b", 0.5, 1, 1, 0, 1);
        ImageScore a = new ImageScore("a", 0.5, 1, 1, 0, 1);
        ImageScore c = new ImageScore("c", 0.25, 1, 1, 0, 1);
        List<ImageScore> all = new ArrayList<>(List.of(b, a, c));
        all.sort(ImageScore.WORST_FIRST);
        assertEquals(List.of("c", "a", "b"), all.stream().map(ImageScore::id).toList());
    }

    @Test
    void offsetsSelectTheImageInsideABatchArray() {
        int[] batchTruth = {9, 9, 0, 1, 9};
        int[] batchPred = {7, 7, 7, 0, 1};
        ImageScore s = ImageScore.of("o", batchTruth, 2, batchPred, 3, 2, 2, 9);
        assertEquals(1.0, s.meanIoU(), 0);
        assertEquals(2, s.pixels());
    }

    @Test
    void equalsTheDatasetMetricsOfTheImagesOwnConfusionMatrix() {
        Random random = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int k = 2 + random.nextInt(6);
            int n = 1 + random.nextInt(80);
            int[] truth = new int[n];
            int[] pred = new int[n];
            for (int i = 0; i < n; i++) {
                truth[i] = random.nextInt(10) == 0 ? IGNORE : random.nextInt(k);
                pred[i] = random.nextInt(k);
            }
            ImageScore s = ImageScore.of("r", truth, 0, pred, 0, n, k, IGNORE);
            SegmentationMetrics m = SegmentationMetrics.of(new ConfusionMatrix(k, IGNORE).add(truth, pred), (List<String>) null);
            assertEquals(m.meanIoU(), s.meanIoU(), 1e-12);
            assertEquals(m.pixelAccuracy(), s.pixelAccuracy(), 1e-12);
            assertEquals(m.totalPixels(), s.pixels());
            assertEquals(k - m.absentClasses().size(), s.classes());
        }
    }

    @Test
    void valuesOutsideTheClassIdsAreErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageScore.of("bad", new int[] {0, 5}, 0, new int[] {0, 0}, 0, 2, 2, IGNORE));
        assertTrue(e.getMessage().contains("image bad pixel 1: ground truth 5"), e.getMessage());
    }
}
