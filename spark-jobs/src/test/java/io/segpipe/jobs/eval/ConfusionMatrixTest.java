package io.segpipe.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.segpipe.prep.Json;
import io.segpipe.prep.schema.ClassTable;

class ConfusionMatrixTest {

    @Test
    void countsTruthRowsAgainstPredictionColumnsAndSkipsIgnore() {
        ConfusionMatrix m = new ConfusionMatrix(3, 255);
        m.add(new int[] {0, 0, 1, 2, 255, 2, 255}, new int[] {0, 1, 1, 0, 2, 2, 0});
        assertArrayEquals(new long[] {1, 1, 0}, m.counts()[0]);
        assertArrayEquals(new long[] {0, 1, 0}, m.counts()[1]);
        assertArrayEquals(new long[] {1, 0, 1}, m.counts()[2]);
        assertEquals(5, m.total());
        assertEquals(2, m.ignoredPixels());
        assertEquals(3, m.correct());
        assertEquals(2, m.truthCount(0));
        assertEquals(2, m.predictedCount(0));
    }

    @Test
    void rejectsLabelsOutsideTheTableNamingThem() {
        ConfusionMatrix m = new ConfusionMatrix(3, 11);
        IllegalArgumentException truth = assertThrows(IllegalArgumentException.class, () -> m.add(new int[] {0, 7}, new int[] {0, 0}));
        assertEquals("ground-truth label 7 at pixel 1 is neither a class id in [0, 3) nor the ignore label 11", truth.getMessage());
        IllegalArgumentException pred = assertThrows(IllegalArgumentException.class, () -> m.add(1, 3));
        assertEquals("predicted label 3 is not a class id in [0, 3)", pred.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(3, 2));
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(1, -1));
        ConfusionMatrix other = new ConfusionMatrix(4, 11);
        assertThrows(IllegalArgumentException.class, () -> m.merge(other));
    }

    @Test
    void mergeEqualsCountingEverythingInOneMatrixInAnyGrouping() {
        Random rnd = new Random(7);
        int k = 5;
        int[][] truths = new int[6][];
        int[][] preds = new int[6][];
        ConfusionMatrix all = new ConfusionMatrix(k, 200);
        for (int i = 0; i < 6; i++) {
            truths[i] = new int[50 + i];
            preds[i] = new int[50 + i];
            for (int j = 0; j < truths[i].length; j++) {
                truths[i][j] = rnd.nextInt(10) == 0 ? 200 : rnd.nextInt(k);
                preds[i][j] = rnd.nextInt(k);
            }
            all.add(truths[i], preds[i]);
        }
        ConfusionMatrix left = new ConfusionMatrix(k, 200);
        for (int i = 0; i < 6; i++) {
            left.merge(new ConfusionMatrix(k, 200).add(truths[i], preds[i]));
        }
        ConfusionMatrix a = new ConfusionMatrix(k, 200).add(truths[0], preds[0]).add(truths[1], preds[1]);
        ConfusionMatrix b = new ConfusionMatrix(k, 200).add(truths[2], preds[2]);
        ConfusionMatrix c = new ConfusionMatrix(k, 200).add(truths[3], preds[3]).add(truths[4], preds[4])
                .add(truths[5], preds[5]);
        ConfusionMatrix tree = ConfusionMatrix.combine(c, ConfusionMatrix.combine(b, a));
        assertEquals(all, left);
        assertEquals(all, tree);
        assertEquals(all.hashCode(), tree.hashCode());
        assertNotEquals(all, new ConfusionMatrix(k, 200));
    }

    @Test
    void javaSerializationAndJsonRoundTrip() throws Exception {
        ConfusionMatrix m = ConfusionMatrix.of(ClassTable.camvid());
        m.add(new int[] {0, 3, 11, 10, 5}, new int[] {0, 4, 1, 10, 5});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(m);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(m, in.readObject());
        }
        String json = Json.write(m);
        assertTrue(json.contains("\"ignoreLabel\" : 11"), json);
        assertEquals(m, Json.read(json, ConfusionMatrix.class));
        ConfusionMatrix none = new ConfusionMatrix(2, -1).add(1, 0);
        assertEquals(none, Json.read(Json.write(none), ConfusionMatrix.class));
        assertEquals(m, m.copy());
    }

    @Test
    void fromCountsValidates() {
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.fromCounts(new long[][] {{1, 2}, {3}}, null, 0));
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.fromCounts(new long[][] {{1, -2}, {3, 4}}, null, 0));
        ConfusionMatrix m = ConfusionMatrix.fromCounts(new long[][] {{1, 2}, {3, 4}}, 9, 5);
        assertEquals(10, m.total());
        assertEquals(5, m.ignoredPixels());
        double[][] rows = m.rowNormalised();
        assertEquals(1.0 / 3, rows[0][0], 0);
        assertEquals(4.0 / 7, rows[1][1], 0);
    }

    @Test
    void rowNormalisedIsNaNForAClassAbsentFromTruth() {
        ConfusionMatrix m = ConfusionMatrix.fromCounts(new long[][] {{2, 0, 0}, {0, 0, 0}, {1, 0, 1}}, null, 0);
        double[][] rows = m.rowNormalised();
        assertTrue(Double.isNaN(rows[1][0]));
        assertEquals(0.5, rows[2][2], 0);
        assertEquals(0.0, rows[2][1], 0);
        assertEquals(List.of(1), SegmentationMetrics.of(m, (List<String>) null).absentClasses());
    }
}
