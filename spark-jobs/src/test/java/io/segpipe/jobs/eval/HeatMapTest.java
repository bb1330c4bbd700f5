package io.segpipe.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.codec.RasterImage;
import io.segpipe.prep.schema.ClassTable;

class HeatMapTest {

    @Test
    void rendersRowSharesDarkForHighAndHatchesAbsentRows() throws Exception {
        // class 0: all correct; class 1: absent from truth; class 2: half predicted as 0
        ConfusionMatrix m = ConfusionMatrix.fromCounts(new long[][] {{100, 0, 0}, {0, 0, 0}, {5, 0, 5}}, null, 0);
        byte[] png = HeatMap.png(m, List.of("alpha", "beta", "gamma"));
        RasterImage img = ImageCodec.decodeImage(png);
        Path out = Path.of("target", "heatmap-test.png");
        Files.write(out, png);
        assertEquals(3, img.channels());
        assertTrue(img.width() > 100 && img.height() > 100);
        assertEquals(HeatMap.blues(1).getRGB() & 0xFFFFFF, 0x08306B);
        assertEquals(HeatMap.blues(0).getRGB() & 0xFFFFFF, 0xF7FBFF);
    }

    @Test
    void camvidSizedMatrixRenders() throws Exception {
        ClassTable camvid = ClassTable.camvid();
        long[][] counts = new long[11][11];
        for (int t = 0; t < 11; t++) {
            for (int p = 0; p < 11; p++) {
                counts[t][p] = t == 6 ? 0 : (t == p ? 50 : (t + p) % 4);
            }
        }
        byte[] png = HeatMap.png(ConfusionMatrix.fromCounts(counts, 11, 3), List.of(camvid.names()));
        Files.write(Path.of("target", "heatmap-camvid-test.png"), png);
        assertEquals(3, ImageCodec.decodeImage(png).channels());
    }
}
