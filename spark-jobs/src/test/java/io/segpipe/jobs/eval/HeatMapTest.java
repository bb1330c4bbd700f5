package io.segpipe.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
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
    void cellsShowPercentWithOneDecimal() {
        assertEquals("96.4", HeatMap.cellText(0.964));
        assertEquals("3.6", HeatMap.cellText(0.036));
        assertEquals("100.0", HeatMap.cellText(1.0));
        assertEquals("99.9", HeatMap.cellText(0.9994));
        assertEquals("0.1", HeatMap.cellText(0.0005));
        assertEquals("<0.1", HeatMap.cellText(0.0004));
        assertEquals("", HeatMap.cellText(0));
        assertEquals("", HeatMap.cellText(Double.NaN));
    }

    @Test
    void aDiagonalOf964PercentReads964NotTheRoundedWholeNumber() {
        ConfusionMatrix m = ConfusionMatrix.fromCounts(new long[][] {{964, 36}, {1, 999}}, null, 0);
        HeatMap.Drawing d = HeatMap.draw(m, List.of("road", "sky"));
        List<String> cells = d.texts().stream().filter(t -> t.part() == HeatMap.Part.CELL).map(HeatMap.PlacedText::text)
                .toList();
        assertEquals(List.of("96.4", "3.6", "0.1", "99.9"), cells);
    }

    @Test
    void nothingIsCutOffForFewOrManyClassesOrLongNames() throws Exception {
        ConfusionMatrix two = ConfusionMatrix.fromCounts(new long[][] {{964, 36}, {1, 999}}, null, 0);
        assertAllInside(HeatMap.draw(two, List.of("a", "b")), "2 classes, short names");
        ClassTable camvid = ClassTable.camvid();
        assertAllInside(HeatMap.draw(camvidLike(), List.of(camvid.names())), "CamVid");
        assertAllInside(HeatMap.draw(two, List.of("a class with a rather long name for a label", "b")), "long name");
        long[][] many = new long[40][40];
        for (int i = 0; i < 40; i++) {
            many[i][i] = 10;
            many[i][(i + 1) % 40] = 1;
        }
        HeatMap.Drawing d = HeatMap.draw(ConfusionMatrix.fromCounts(many, null, 0),
                java.util.stream.IntStream.range(0, 40).mapToObj(i -> "class" + i).toList());
        assertAllInside(d, "40 classes");
        assertTrue(d.texts().stream().noneMatch(t -> t.part() == HeatMap.Part.CELL),
                "cells of 16 px cannot hold 100.0: no values");
        assertTrue(String.join(" ", d.texts().stream().filter(t -> t.part() == HeatMap.Part.FOOTNOTE)
                .map(HeatMap.PlacedText::text).toList()).contains("counts are in report.json"));
    }

    /** Every text lies inside the image, the footnote is whole, and the image's border is blank. */
    private static void assertAllInside(HeatMap.Drawing d, String what) {
        BufferedImage img = d.image();
        for (HeatMap.PlacedText t : d.texts()) {
            assertTrue(t.bounds().getMinX() >= 0 && t.bounds().getMinY() >= 0 && t.bounds().getMaxX() <= img.getWidth()
                    && t.bounds().getMaxY() <= img.getHeight(), what + ": '" + t.text() + "' at " + t.bounds()
                    + " outside " + img.getWidth() + "x" + img.getHeight());
        }
        String footnote = String.join(" ", d.texts().stream().filter(t -> t.part() == HeatMap.Part.FOOTNOTE)
                .map(HeatMap.PlacedText::text).toList());
        assertTrue(footnote.startsWith(HeatMap.FOOTNOTE), what + ": " + footnote);
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y : new int[] {0, 1, img.getHeight() - 2, img.getHeight() - 1}) {
                assertEquals(0xFFFFFF, img.getRGB(x, y) & 0xFFFFFF, what + ": pixel " + x + "," + y + " on the border");
            }
        }
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x : new int[] {0, 1, img.getWidth() - 2, img.getWidth() - 1}) {
                assertEquals(0xFFFFFF, img.getRGB(x, y) & 0xFFFFFF, what + ": pixel " + x + "," + y + " on the border");
            }
        }
        assertFalse(d.texts().isEmpty());
    }

    private static ConfusionMatrix camvidLike() {
        long[][] counts = new long[11][11];
        for (int t = 0; t < 11; t++) {
            for (int p = 0; p < 11; p++) {
                counts[t][p] = t == 6 ? 0 : (t == p ? 50 : (t + p) % 4);
            }
        }
        return ConfusionMatrix.fromCounts(counts, 11, 3);
    }

    @Test
    void camvidSizedMatrixRenders() throws Exception {
        ClassTable camvid = ClassTable.camvid();
        byte[] png = HeatMap.png(camvidLike(), List.of(camvid.names()));
        Files.write(Path.of("target", "heatmap-camvid-test.png"), png);
        assertEquals(3, ImageCodec.decodeImage(png).channels());
    }
}
