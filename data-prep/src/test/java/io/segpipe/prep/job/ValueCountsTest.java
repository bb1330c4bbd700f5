package io.segpipe.prep.job;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class ValueCountsTest {

    @Test
    void countsRunsAndSingletons() {
        byte[] values = {0, 0, 2, 1, 1, 1, (byte) 255, 2, 11, 11, 0};
        long[] counts = LabelMapper.valueCounts(values);
        assertArrayEquals(new long[]{3, 3, 2}, Arrays.copyOf(counts, 3));
        assertArrayEquals(new long[]{2, 1}, new long[]{counts[11], counts[255]});
        assertArrayEquals(new long[256], LabelMapper.valueCounts(new byte[0]));
    }

    @Test
    void matchesPerPixelCountingOnRandomRuns() {
        Random rnd = new Random(7);
        byte[] values = new byte[10_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = rnd.nextInt(4) == 0 ? (byte) rnd.nextInt(256) : (i > 0 ? values[i - 1] : 0);
        }
        long[] expected = new long[256];
        for (byte b : values) {
            expected[b & 0xFF]++;
        }
        assertArrayEquals(expected, LabelMapper.valueCounts(values));
    }
}
