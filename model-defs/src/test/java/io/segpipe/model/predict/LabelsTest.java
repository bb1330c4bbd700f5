package io.segpipe.model.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

class LabelsTest {
    private static final SegmentationSpec CAMVID = SegmentationSpec.builder(Architecture.SEGNET, 11)
            .loss(new SegmentationSpec.LossSpec(null, 11, 0)).build();

    @Test
    void oneHotIsTheInverseOfArgMaxAndIgnoredPixelsAreAllZero() {
        INDArray map = Nd4j.createFromArray(new int[][][] {{{0, 10, 11}, {3, 11, 5}}});
        INDArray oneHot = Labels.oneHot(map, CAMVID);
        assertArrayEquals(new long[] {1, 11, 2, 3}, oneHot.shape());
        assertEquals(0.0, oneHot.sum(1).getDouble(0, 0, 2), "void pixel");
        assertEquals(0.0, oneHot.sum(1).getDouble(0, 1, 1), "void pixel");
        assertEquals(4.0, oneHot.sumNumber().doubleValue(), "one 1 per labelled pixel");
        INDArray back = Segmenter.argMax(oneHot);
        assertEquals(0, back.getInt(0, 0, 0));
        assertEquals(10, back.getInt(0, 0, 1));
        assertEquals(3, back.getInt(0, 1, 0));
        assertEquals(5, back.getInt(0, 1, 2));
    }

    @Test
    void oneHotOfAMinibatchMatchesAnIndependentLoop() {
        int n = 3, h = 7, w = 5;
        java.util.Random rnd = new java.util.Random(11);
        int[] ids = new int[n * h * w];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rnd.nextInt(12); // 11 = void
        }
        INDArray oneHot = Labels.oneHot(ids, n, h, w, 11, 11);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 11; c++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        float expected = ids[(i * h + y) * w + x] == c ? 1f : 0f;
                        assertEquals(expected, oneHot.getFloat(i, c, y, x), 0f, i + "," + c + "," + y + "," + x);
                    }
                }
            }
        }
    }

    @Test
    void aLabelThatIsNeitherClassNorIgnoreIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Labels.oneHot(Nd4j.createFromArray(new int[][][] {{{0, 12}}}), CAMVID));
        assertTrue(e.getMessage().startsWith("label 12 "), e.getMessage());
    }
}
