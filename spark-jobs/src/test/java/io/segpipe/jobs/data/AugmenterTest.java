package io.segpipe.jobs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.segpipe.prep.reader.TensorSample;

class AugmenterTest {
    static final int IGNORE = 255;

    /** A 1-channel sample whose image value equals its label (blocks of 4 classes, some ignored pixels). */
    static TensorSample blocks(int h, int w) {
        float[] image = new float[h * w];
        int[] label = new int[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int id = (y * 2 / h) * 2 + (x * 2 / w);
                if (x == w / 3) {
                    id = IGNORE;
                }
                label[y * w + x] = id;
                image[y * w + x] = id;
            }
        }
        return new TensorSample("s1", "train", 1, h, w, image, label);
    }

    @Test
    void labelsAreNeverInterpolated() {
        TensorSample s = blocks(37, 53);
        Set<Integer> allowed = Set.of(0, 1, 2, 3, IGNORE);
        Augmenter a = new Augmenter(AugmentConfig.builder().elasticProbability(0.5).build(), 24, 32, IGNORE);
        for (int i = 0; i < 200; i++) {
            TensorSample out = a.apply(s, 1.0, new SplittableRandom(i));
            assertEquals(24 * 32, out.label().length);
            for (int v : out.label()) {
                assertTrue(allowed.contains(v), "label " + v + " does not occur in the input");
            }
        }
    }

    @Test
    void paddingUsesTheIgnoreLabelAndZeroImage() {
        TensorSample s = blocks(10, 10);
        // scale 0.5 of a 10x10 image is 5x5: a 16x16 crop is mostly padding
        Augmenter a = new Augmenter(AugmentConfig.builder().scaleMin(0.5).scaleMax(0.5).horizontalFlip(false).build(),
                16, 16, IGNORE);
        TensorSample out = a.apply(s, 1.0, new SplittableRandom(3));
        int padded = 0;
        for (int i = 0; i < out.label().length; i++) {
            if (out.label()[i] == IGNORE && out.image()[i] == 0f) {
                padded++;
            }
        }
        assertTrue(padded >= 16 * 16 - 25, "at least every pixel outside the 5x5 image is padding, found " + padded);
    }

    @Test
    void identityWithoutRandomnessAndExactFlip() {
        TensorSample s = blocks(12, 20);
        TensorSample same = new Augmenter(AugmentConfig.NONE, 12, 20, IGNORE).apply(s, 1.0, new SplittableRandom(1));
        assertArrayEquals(s.image(), same.image());
        assertArrayEquals(s.label(), same.label());

        Augmenter flipper = new Augmenter(AugmentConfig.NONE, 12, 20, IGNORE);
        TensorSample flipped = flipper.apply(s, new Augmenter.Draw(1.0, true, 0, 0, null, null, 0f, 1f));
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 20; x++) {
                assertEquals(s.label()[y * 20 + x], flipped.label()[y * 20 + (19 - x)]);
                assertEquals(s.image()[y * 20 + x], flipped.image()[y * 20 + (19 - x)]);
            }
        }
    }

    @Test
    void imageAndLabelMoveTogether() {
        // Image channels hold each pixel's source x and y (bilinear interpolation reproduces a linear
        // function exactly, so the output image says where each pixel was sampled); labels hold a
        // unique id per source pixel (nearest neighbour). Both must name the same source pixel.
        int h = 40;
        int w = 56;
        float[] image = new float[2 * h * w];
        int[] label = new int[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image[y * w + x] = x;
                image[h * w + y * w + x] = y;
                label[y * w + x] = y * w + x;
            }
        }
        TensorSample s = new TensorSample("xy", "train", 2, h, w, image, label);
        int size = 32;
        int ignore = Integer.MAX_VALUE;
        Augmenter a = new Augmenter(AugmentConfig.builder().elasticProbability(0.7).build(), size, size, ignore);
        for (int seed = 0; seed < 50; seed++) {
            TensorSample out = a.apply(s, 1.0, new SplittableRandom(seed));
            int plane = size * size;
            int inside = 0;
            for (int o = 0; o < plane; o++) {
                int l = out.label()[o];
                if (l == ignore) {
                    continue;
                }
                inside++;
                float sx = out.image()[o];
                float sy = out.image()[plane + o];
                assertTrue(Math.abs(l % w - sx) <= 0.5001 && Math.abs(l / w - sy) <= 0.5001,
                        "seed " + seed + ": label from source pixel (" + l % w + "," + l / w + ") but image from ("
                                + sx + "," + sy + ")");
            }
            assertTrue(inside > 0);
        }
    }

    @Test
    void photometricJitterChangesOnlyTheImage() {
        TensorSample s = blocks(16, 16);
        Augmenter a = new Augmenter(AugmentConfig.NONE.toBuilder().brightness(0.5).contrast(0.5).build(), 16, 16, IGNORE);
        TensorSample out = a.apply(s, 1.0, new SplittableRandom(5));
        assertArrayEquals(s.label(), out.label());
        assertNotEquals(s.image()[0], out.image()[0]);
    }

    @Test
    void sameSeedEpochAndIdGiveTheSameSample() {
        TensorSample s = blocks(30, 30);
        Augmenter a = new Augmenter(AugmentConfig.builder().elasticProbability(0.5).brightness(0.1).build(), 16, 16, IGNORE);
        TensorSample first = a.apply(s, 1.0, Augmenter.random(7, 3, "s1"));
        TensorSample again = a.apply(s, 1.0, Augmenter.random(7, 3, "s1"));
        assertArrayEquals(first.image(), again.image());
        assertArrayEquals(first.label(), again.label());
        Set<Long> keys = new HashSet<>();
        for (int epoch = 0; epoch < 10; epoch++) {
            keys.add(Augmenter.shuffleKey(7, epoch, "s1"));
        }
        assertEquals(10, keys.size(), "a new shuffle every epoch");
    }

    @Test
    void resizeHalvesWithNearestLabels() {
        TensorSample s = blocks(40, 60);
        TensorSample half = Augmenter.resize(s, 0.5, IGNORE);
        assertEquals(20, half.height());
        assertEquals(30, half.width());
        assertEquals(0, half.label()[0]);
        assertEquals(3, half.label()[half.label().length - 1]);
        assertTrue(Augmenter.resize(s, 1.0, IGNORE) == s);
    }

    @Test
    void invalidSettingsNameTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AugmentConfig.builder().scaleMin(2).scaleMax(1).build());
        assertTrue(e.getMessage().startsWith("augment.scaleMax"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AugmentConfig.builder().elasticProbability(1.5).build());
        assertTrue(e.getMessage().startsWith("augment.elasticProbability"), e.getMessage());
    }
}
