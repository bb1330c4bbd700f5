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
    void aLabelThatIsNeitherClassNorIgnoreIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Labels.oneHot(Nd4j.createFromArray(new int[][][] {{{0, 12}}}), CAMVID));
        assertTrue(e.getMessage().startsWith("label 12 "), e.getMessage());
    }
}
