package io.segpipe.jobs.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import javax.imageio.ImageIO;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.infer.ImagePrediction;
import io.segpipe.jobs.infer.LabelColours;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.codec.LabelRaster;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.testkit.PngChunks;

/**
 * The mask files scoring writes: indexed PNGs whose pixels are the predicted class ids and whose
 * palette is the class table's colours (the ignore label's too), read back with plain ImageIO and
 * byte by byte.
 */
class MaskWriterTest {

    @TempDir
    Path dir;

    /** Writes the second image of a two-image batch (so the offset is exercised) and returns the mask file. */
    private Path write(ClassTable classes, int width, int height, int[] ids) throws Exception {
        int[] batch = new int[2 * width * height];
        Arrays.fill(batch, 0, width * height, 1); // the first image: not this mask
        System.arraycopy(ids, 0, batch, width * height, ids.length);
        MaskWriter writer = MaskWriter.open(dir.toString(), new Configuration(), new LabelColours(classes));
        String name = writer.write("sub/img 1.png", new ImagePrediction(height, width, batch, width * height, 0.5));
        assertEquals(MaskNames.of("sub/img 1.png"), name);
        return dir.resolve(name);
    }

    private static int[] everyId(int numClasses, int pixels) {
        int[] ids = new int[pixels];
        for (int i = 0; i < pixels; i++) {
            ids[i] = (i * 7 + i / 5) % numClasses;
        }
        return ids;
    }

    @Test
    void aMaskHoldsTheClassIdsWithTheClassColoursAsPalette() throws Exception {
        ClassTable camvid = ClassTable.camvid(); // 11 classes, void = 11 in black
        int w = 9;
        int h = 5;
        int[] ids = everyId(11, w * h);
        Path mask = write(camvid, w, h, ids);

        BufferedImage img = ImageIO.read(mask.toFile());
        assertInstanceOf(IndexColorModel.class, img.getColorModel());
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int id = ids[y * w + x];
                assertEquals(id, img.getRaster().getSample(x, y, 0), "id at (" + x + ", " + y + ")");
                assertEquals(camvid.classes().get(id).colour().packed(), img.getRGB(x, y) & 0xFFFFFF,
                        "colour at (" + x + ", " + y + ")");
            }
        }
        PngChunks file = PngChunks.of(Files.readAllBytes(mask));
        assertEquals(PngChunks.COLOUR_TYPE_PALETTE, file.colourType());
        assertEquals(8, file.bitDepth());
        int[] expected = new int[12];
        for (int k = 0; k < 11; k++) {
            expected[k] = camvid.classes().get(k).colour().packed();
        }
        expected[11] = 0x000000; // void
        assertArrayEquals(expected, file.palette());
    }

    @Test
    void thePaletteReachesTheIgnoreLabelOrEndsWithTheClasses() throws Exception {
        ClassTable voc = ClassTable.pascalVoc(); // ignore 255 = border, (224, 224, 192)
        int[] palette = PngChunks.of(Files.readAllBytes(write(voc, 4, 4, everyId(21, 16)))).palette();
        assertEquals(256, palette.length);
        for (int k = 0; k < 21; k++) {
            assertEquals(voc.classes().get(k).colour().packed(), palette[k], "class " + k);
        }
        assertEquals(0xE0E0C0, palette[255]);
        assertEquals(0xFF00FF, palette[100], "a value no label holds");

        ClassTable plain = ClassTable.of(null, "a", "b", "c");
        Path mask = write(plain, 3, 2, new int[] {0, 1, 2, 2, 1, 0});
        assertArrayEquals(new int[] {plain.classes().get(0).colour().packed(), plain.classes().get(1).colour().packed(),
            plain.classes().get(2).colour().packed()}, PngChunks.of(Files.readAllBytes(mask)).palette());
        LabelRaster label = ImageCodec.decodeLabel(Files.readAllBytes(mask));
        assertEquals(LabelRaster.Kind.PALETTE, label.kind());
        assertArrayEquals(new byte[] {0, 1, 2, 2, 1, 0}, label.data());
    }
}
