package io.segpipe.prep.codec;

import io.segpipe.prep.testkit.TinyDatasets;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageCodecTest {

    /** The reason decodeImage gives, checked to be the same as checkImage's. */
    private static String reason(byte[] bytes) {
        String decode = assertThrows(BadInputException.class, () -> ImageCodec.decodeImage(bytes)).reason();
        assertEquals(decode, assertThrows(BadInputException.class, () -> ImageCodec.checkImage(bytes)).reason());
        return decode;
    }

    @Test
    void rgbAndGreyPngRoundTripExactly() throws Exception {
        byte[] px = new byte[5 * 3 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 17);
        }
        RasterImage rgb = new RasterImage(5, 3, 3, px);
        RasterImage back = ImageCodec.decodeImage(ImageCodec.encodePng(rgb));
        assertEquals(3, back.channels());
        assertArrayEquals(px, back.pixels());
        assertEquals(px[3 * (5 + 2)] & 0xFF, back.sample(2, 1, 0));

        byte[] grey = {0, 1, 2, (byte) 255, 7, 9};
        RasterImage g = ImageCodec.decodeImage(TinyDatasets.greyPng(3, 2, grey));
        assertEquals(1, g.channels());
        assertArrayEquals(grey, g.pixels());
        LabelRaster l = ImageCodec.decodeLabel(TinyDatasets.greyPng(3, 2, grey));
        assertEquals(LabelRaster.Kind.GREY, l.kind());
        assertArrayEquals(grey, l.data());
    }

    @Test
    void rgbPngWrittenByImageIoDecodesInRgbOrder() throws Exception {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0x102030);
        img.setRGB(1, 0, 0xA0B0C0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        assertArrayEquals(new byte[]{0x10, 0x20, 0x30, (byte) 0xA0, (byte) 0xB0, (byte) 0xC0},
                ImageCodec.decodeImage(out.toByteArray()).pixels());
    }

    @Test
    void paletteLabelsKeepIndicesAndPaletteImagesExpandToRgb() throws Exception {
        byte[] idx = {0, 1, 15, (byte) 255};
        byte[] png = TinyDatasets.palettePng(2, 2, idx);
        LabelRaster l = ImageCodec.decodeLabel(png);
        assertEquals(LabelRaster.Kind.PALETTE, l.kind());
        assertArrayEquals(idx, l.data());
        assertEquals(0x800000, l.palette()[1]);
        RasterImage img = ImageCodec.decodeImage(png);
        assertEquals(3, img.channels());
        assertEquals(128, img.sample(1, 0, 0));
        assertEquals(0, img.sample(1, 0, 1));
    }

    @Test
    void jpegDecodesToRgb() throws Exception {
        RasterImage img = ImageCodec.decodeImage(TinyDatasets.jpeg(16, 8));
        assertEquals(16, img.width());
        assertEquals(8, img.height());
        assertEquals(3, img.channels());
        assertEquals(ImageCodec.Format.JPEG, ImageCodec.sniff(TinyDatasets.jpeg(4, 4)));
    }

    @Test
    void checkImageReportsWhatDecodeImageDecodes() throws Exception {
        for (byte[] bytes : new byte[][]{TinyDatasets.noisyRgbPng(7, 5, 1), TinyDatasets.greyPng(3, 2, new byte[6]),
                TinyDatasets.palettePng(2, 2, new byte[]{0, 1, 15, (byte) 255}), TinyDatasets.jpeg(16, 8)}) {
            assertEquals(ImageCodec.decodeImage(bytes).info(), ImageCodec.checkImage(bytes));
        }
    }

    @Test
    void badInputsHaveSpecificReasons() {
        assertEquals("empty file (0 bytes)", reason(new byte[0]));
        assertEquals("not a PNG or JPEG image (5 bytes starting 0x68656c6c6f)",
                reason("hello".getBytes(StandardCharsets.UTF_8)));
        assertTrue(reason(TinyDatasets.truncate(TinyDatasets.noisyRgbPng(32, 32, 1), 0.5)).startsWith("corrupt PNG: "));
        assertTrue(reason(TinyDatasets.truncate(TinyDatasets.jpeg(32, 32), 0.6)).startsWith("corrupt JPEG: "));
        assertTrue(reason(TinyDatasets.grey16Png(4, 4)).startsWith("16-bit samples are not supported"));
        assertTrue(reason(TinyDatasets.rgbaPng(4, 4)).startsWith("RGBA (4 channels) is not supported"));
        BufferedImage greyAlpha = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        assertTrue(reason(TinyDatasets.rgbaPng(4, 4)).contains("alpha"), greyAlpha.toString());
    }

    @Test
    void corruptPngMiddleIsDetected() {
        byte[] png = TinyDatasets.noisyRgbPng(32, 32, 3);
        for (int i = png.length / 3; i < png.length / 3 + 64; i++) {
            png[i] ^= 0x5A;
        }
        assertTrue(reason(png).startsWith("corrupt PNG: "), reason(png));
    }
}
