package io.segpipe.model.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.segpipe.model.spec.SegmentationSpec.BorderWeight;

class BorderWeightMapTest {
    private static final BorderWeight PAPER = BorderWeight.PAPER;
    private static final int IGNORE = 9;

    /** Background 0, two cells of class 1 separated by a one-pixel membrane column, one touching a class-2 cell. */
    private static final String[] TOUCHING = {
            "1110111",
            "1110111",
            "1110122",
            "0000022",
            "0000000",
    };
    /** Two far-apart cells, an ignored pixel and a diagonal contact (two objects under 4-connectivity). */
    private static final String[] SEPARATE = {
            "11000000000",
            "11000000000",
            "00000000900",
            "00000000010",
            "00000000001",
    };
    private static final String[] SINGLE = {
            "00000",
            "01110",
            "01110",
            "00000",
    };

    @Test
    void equalsBruteForceOnTouchingAndSeparateObjects() {
        for (String[] map : new String[][] {TOUCHING, SEPARATE}) {
            for (BorderWeight config : new BorderWeight[] {PAPER, new BorderWeight(3, 1.5, 0), new BorderWeight(10, 5, -1)}) {
                assertMatchesBruteForce(map, config);
            }
        }
    }

    @Test
    void equalsBruteForceOnRandomMapsWithManyObjects() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int t = 0; t < 20; t++) {
            int h = 5 + rnd.nextInt(30);
            int w = 5 + rnd.nextInt(30);
            StringBuilder row = new StringBuilder();
            String[] map = new String[h];
            for (int y = 0; y < h; y++) {
                row.setLength(0);
                for (int x = 0; x < w; x++) {
                    int r = rnd.nextInt(10);
                    row.append(r < 6 ? '0' : r < 8 ? '1' : r < 9 ? '2' : '9');
                }
                map[y] = row.toString();
            }
            assertMatchesBruteForce(map, t % 2 == 0 ? PAPER : new BorderWeight(2, 0.8, 0));
        }
    }

    @Test
    void backgroundOnlyKeepsTheTermOnBackgroundPixelsAndDropsItOnObjectRims() {
        BorderWeight backgroundOnly = new BorderWeight(10, 5, 0, true);
        int h = TOUCHING.length;
        int w = TOUCHING[0].length();
        int[] labels = ids(TOUCHING);
        float[] every = BorderWeightMap.term(labels, h, w, 3, PAPER);
        float[] background = BorderWeightMap.term(labels, h, w, 3, backgroundOnly);
        int rims = 0;
        for (int p = 0; p < labels.length; p++) {
            assertEquals(labels[p] == 0 ? every[p] : 0f, background[p], "pixel " + p);
            rims += labels[p] != 0 && every[p] > 1 ? 1 : 0;
        }
        assertTrue(rims > 0, "the map must have object pixels that the default weighs");
        // the cell pixel (0, 2) left of the membrane: d1 = 0, d2 = 2 by default, nothing with backgroundOnly
        assertEquals(10 * Math.exp(-4.0 / 50), every[2], 1e-5);
        assertEquals(0f, background[2]);
    }

    @Test
    void touchingCellsAcrossOneMembranePixelGetAboutW0() {
        float[] term = BorderWeightMap.term(ids(TOUCHING), TOUCHING.length, TOUCHING[0].length(), 3, PAPER);
        // the membrane pixel (0, 3) is 1 from both cells: 10 exp(-4/50)
        assertEquals(10 * Math.exp(-4.0 / 50), term[3], 1e-5);
    }

    @Test
    void aSingleObjectGivesNoTermAndClassWeightsAlone() {
        int[] labels = ids(SINGLE);
        float[] term = BorderWeightMap.term(labels, SINGLE.length, SINGLE[0].length(), 2, PAPER);
        assertArrayEquals(new float[labels.length], term);
        float[] mask = BorderWeightMap.labelMask(labels, 1, SINGLE.length, SINGLE[0].length(), 2, new double[] {0.5, 2}, PAPER);
        float[] ones = new float[labels.length];
        Arrays.fill(ones, 1f);
        assertArrayEquals(ones, mask);
        // no object at all (background only)
        int[] empty = new int[20];
        assertArrayEquals(new float[20], BorderWeightMap.term(empty, 4, 5, 2, PAPER));
    }

    @Test
    void maskTimesClassWeightIsClassWeightPlusTermAndIgnoredPixelsAreZero() {
        int h = SEPARATE.length;
        int w = SEPARATE[0].length();
        int[] labels = ids(SEPARATE);
        double[] classWeights = {0.5, 2, 4};
        float[] term = BorderWeightMap.term(labels, h, w, 3, PAPER);
        float[] mask = BorderWeightMap.labelMask(labels, 1, h, w, 3, classWeights, PAPER);
        for (int p = 0; p < labels.length; p++) {
            if (labels[p] == IGNORE) {
                assertEquals(0f, mask[p], 0f);
                assertEquals(0f, term[p], 0f);
            } else {
                assertEquals(classWeights[labels[p]] + term[p], mask[p] * classWeights[labels[p]], 1e-5, "pixel " + p);
            }
        }
        assertTrue(term[0] > 0, "the far-apart cells still weigh each other");
    }

    @Test
    void aClassWeightedZeroStaysZero() {
        int[] labels = ids(TOUCHING);
        float[] mask = BorderWeightMap.labelMask(labels, 1, TOUCHING.length, TOUCHING[0].length(), 3,
                new double[] {0, 1, 1}, PAPER);
        assertEquals(1f, mask[3], 0f); // membrane between cells: class weight 0, so weight 0 · 1
    }

    @Test
    void oneDimensionalTransformIsTheLowerEnvelope() {
        SplittableRandom rnd = new SplittableRandom(3);
        BorderWeightMap.Workspace ws = new BorderWeightMap.Workspace(40);
        for (int t = 0; t < 200; t++) {
            int n = 1 + rnd.nextInt(40);
            double[] f = new double[n];
            for (int i = 0; i < n; i++) {
                f[i] = rnd.nextInt(3) == 0 ? rnd.nextInt(50) : Double.POSITIVE_INFINITY;
            }
            BorderWeightMap.transform1d(f, n, ws);
            for (int q = 0; q < n; q++) {
                double expected = Double.POSITIVE_INFINITY;
                for (int p = 0; p < n; p++) {
                    expected = Math.min(expected, (double) (q - p) * (q - p) + f[p]);
                }
                assertEquals(expected, ws.d[q], 0.0);
            }
        }
    }

    /**
     * For every pixel, the distance to every object's nearest pixel (objects from a flood fill
     * written here again, 4-connected), the two smallest of those, then eq. 2's term.
     */
    private static void assertMatchesBruteForce(String[] map, BorderWeight config) {
        int h = map.length;
        int w = map[0].length();
        int[] labels = ids(map);
        int[] objects = bruteForceObjects(labels, h, w, 3, config.backgroundClass());
        int count = Arrays.stream(objects).max().getAsInt() + 1;
        float[] term = BorderWeightMap.term(labels, h, w, 3, config);
        for (int p = 0; p < labels.length; p++) {
            double[] perObject = new double[count];
            Arrays.fill(perObject, Double.POSITIVE_INFINITY);
            for (int q = 0; q < labels.length; q++) {
                if (objects[q] >= 0) {
                    double dy = p / w - q / w;
                    double dx = p % w - q % w;
                    perObject[objects[q]] = Math.min(perObject[objects[q]], Math.sqrt(dy * dy + dx * dx));
                }
            }
            Arrays.sort(perObject);
            double expected = count < 2 || labels[p] == IGNORE ? 0
                    : config.w0() * Math.exp(-Math.pow(perObject[0] + perObject[1], 2) / (2 * config.sigma() * config.sigma()));
            assertEquals(expected, term[p], 1e-5 + 1e-6 * expected, "pixel (" + p / w + ", " + p % w + ") of "
                    + String.join("/", map) + " with " + config);
        }
    }

    private static int[] bruteForceObjects(int[] labels, int h, int w, int classes, int background) {
        int[] objects = new int[labels.length];
        Arrays.fill(objects, -1);
        int next = 0;
        for (int s = 0; s < labels.length; s++) {
            if (objects[s] >= 0 || labels[s] >= classes || labels[s] == background) {
                continue;
            }
            objects[s] = next;
            boolean grew = true;
            while (grew) {
                grew = false;
                for (int p = 0; p < labels.length; p++) {
                    if (objects[p] != next) {
                        continue;
                    }
                    int[] neighbours = {p / w > 0 ? p - w : -1, p / w < h - 1 ? p + w : -1, p % w > 0 ? p - 1 : -1,
                            p % w < w - 1 ? p + 1 : -1};
                    for (int q : neighbours) {
                        if (q >= 0 && objects[q] < 0 && labels[q] == labels[s]) {
                            objects[q] = next;
                            grew = true;
                        }
                    }
                }
            }
            next++;
        }
        return objects;
    }

    private static int[] ids(String[] map) {
        int w = map[0].length();
        int[] ids = new int[map.length * w];
        for (int y = 0; y < map.length; y++) {
            for (int x = 0; x < w; x++) {
                ids[y * w + x] = map[y].charAt(x) - '0';
            }
        }
        return ids;
    }
}
