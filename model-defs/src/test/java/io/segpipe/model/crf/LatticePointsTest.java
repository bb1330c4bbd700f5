package io.segpipe.model.crf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class LatticePointsTest {

    /** Many repeated keys, far more points than the table was sized for: it must grow and keep every number. */
    @Test
    void numbersPointsInInsertionOrderLikeAMapOfKeys() {
        int d = 5;
        LatticePoints points = new LatticePoints(d, 8);
        Map<List<Integer>, Integer> expected = new HashMap<>();
        Random random = new Random(7);
        for (int i = 0; i < 50_000; i++) {
            int[] key = new int[d];
            for (int k = 0; k < d; k++) {
                key[k] = (random.nextInt(12) - 6) * 6;
            }
            List<Integer> boxed = Arrays.stream(key).boxed().toList();
            Integer number = expected.computeIfAbsent(boxed, b -> expected.size());
            assertEquals(number.intValue(), points.findOrInsert(key), "key " + boxed);
        }
        assertEquals(expected.size(), points.size());
        for (Map.Entry<List<Integer>, Integer> e : expected.entrySet()) {
            int[] key = e.getKey().stream().mapToInt(Integer::intValue).toArray();
            assertEquals(e.getValue().intValue(), points.find(key));
            for (int k = 0; k < d; k++) {
                assertEquals(key[k], points.coordinate(e.getValue(), k));
            }
        }
        assertEquals(-1, points.find(new int[] {1, 2, 3, 4, 5}), "a key never inserted");
    }
}
