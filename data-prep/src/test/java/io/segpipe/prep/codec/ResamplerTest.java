package io.segpipe.prep.codec;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResamplerTest {

    @Test
    void nearestOnlyProducesInputValues() {
        byte[] src = new byte[7 * 5];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) (i % 3 == 0 ? 255 : i % 4);
        }
        Set<Byte> in = new HashSet<>();
        for (byte b : src) {
            in.add(b);
        }
        for (int[] size : new int[][]{{3, 2}, {13, 11}, {7, 5}}) {
            for (byte b : Resampler.nearest(src, 7, 5, 1, size[0], size[1])) {
                assertTrue(in.contains(b));
            }
        }
        assertArrayEquals(src, Resampler.nearest(src, 7, 5, 1, 7, 5));
    }

    @Test
    void bilinearAveragesAndPreservesConstants() {
        byte[] constant = new byte[6 * 4 * 3];
        java.util.Arrays.fill(constant, (byte) 77);
        for (byte b : Resampler.bilinear(constant, 6, 4, 3, 11, 3)) {
            assertEquals(77, b & 0xFF);
        }
        // 2x2 -> 1x1 with half-pixel centres samples the middle: the mean of the four.
        assertEquals(25, Resampler.bilinear(new byte[]{0, 20, 30, 50}, 2, 2, 1, 1, 1)[0]);
        // 1-D ramp halved: centres at 0.5, 2.5 -> 5, 25.
        assertArrayEquals(new byte[]{5, 25}, Resampler.bilinear(new byte[]{0, 10, 20, 30}, 4, 1, 1, 2, 1));
    }

    @Test
    void cropTakesTheWindow() {
        byte[] src = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        assertArrayEquals(new byte[]{5, 6, 8, 9}, Resampler.crop(src, 3, 3, 1, 1, 1, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Resampler.crop(src, 3, 3, 1, 2, 2, 2, 2));
    }
}
