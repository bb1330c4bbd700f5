package io.segpipe.prep.job;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class ClassHistogramTest {

    @Test
    void countsRunsAndSingletonsAndSkipsIgnoreLabel() {
        byte[] ids = {0, 0, 2, 1, 1, 1, (byte) 255, 2, 11, 11, 0};
        assertArrayEquals(new long[]{3, 3, 2}, SampleProcessor.classHistogram(ids, 3));
        assertArrayEquals(new long[]{0, 0}, SampleProcessor.classHistogram(new byte[0], 2));
    }

    @Test
    void matchesPerPixelCountingOnRandomRuns() {
        Random rnd = new Random(7);
        byte[] ids = new byte[10_000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rnd.nextInt(4) == 0 ? (byte) rnd.nextInt(256) : (i > 0 ? ids[i - 1] : 0);
        }
        long[] expected = new long[12];
        for (byte b : ids) {
            if ((b & 0xFF) < expected.length) {
                expected[b & 0xFF]++;
            }
        }
        assertArrayEquals(expected, SampleProcessor.classHistogram(ids, 12));
    }
}
