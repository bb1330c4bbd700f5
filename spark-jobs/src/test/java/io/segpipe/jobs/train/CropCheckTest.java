package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

/** Which crops the train images can fill: the largest image scaled, rounded up to a size the architecture takes. */
class CropCheckTest {
    private static SegmentationSpec unet(int height, int width) {
        return SegmentationSpec.builder(Architecture.UNET, 11).depth(4).inputSize(height, width).build();
    }

    @Test
    void camVidAtHalfResolution() {
        // 360x480 at inputScale 0.5 and scaleMax 1 is 180x240; a depth-4 U-Net takes 180 rows as 192
        assertDoesNotThrow(() -> CropCheck.requireFits(unet(192, 240), 360, 480, 0.5, 1.0, "camvid"));
        assertDoesNotThrow(() -> CropCheck.requireFits(unet(128, 176), 360, 480, 0.5, 1.0, "camvid"));
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> CropCheck.requireFits(unet(208, 240), 360, 480, 0.5, 1.0, "camvid"));
        assertTrue(rows.getMessage().contains("(the training crop, 208x240) is larger than the train images of camvid can"
                + " be: the largest is 360x480, 180x240 at inputScale 0.5 and 180x240 at augment.scaleMax 1.0, which UNET"
                + " takes as 192x240"), rows.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CropCheck.requireFits(unet(192, 256), 360, 480, 0.5, 1.0, "camvid"));
    }

    @Test
    void theLargestRandomScaleCounts() {
        // at scaleMax 1.5 the same images reach 270x360, which the U-Net takes as 272x368
        assertDoesNotThrow(() -> CropCheck.requireFits(unet(272, 368), 360, 480, 0.5, 1.5, "camvid"));
        assertThrows(IllegalArgumentException.class, () -> CropCheck.requireFits(unet(288, 368), 360, 480, 0.5, 1.5, "camvid"));
    }
}
