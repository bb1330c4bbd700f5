package io.segpipe.prep.codec;

import io.segpipe.prep.testkit.PngChunks;
import io.segpipe.prep.testkit.TinyDatasets;
import io.segpipe.prep.testkit.ZeroPng;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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

    /** CamVid-like: 11 class colours and black at the ignore label 11. */
    private static final int[] PALETTE = {0x808080, 0x800000, 0xC0C080, 0x804080, 0x3C28DE, 0x808000, 0xC08080,
        0x404080, 0x400080, 0x404000, 0x0080C0, 0x000000};

    @Test
    void indexedPngStoresTheValuesAndThePaletteExactly() throws Exception {
        int w = 7;
        int h = 3;
        byte[] values = new byte[w * h];
        for (int i = 0; i < values.length; i++) {
            values[i] = (byte) ((i * 5) % PALETTE.length);
        }
        byte[] png = ImageCodec.encodeIndexedPng(w, h, values, PALETTE);

        // plain ImageIO: an indexed image whose raster holds the values and whose colour model the palette
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        IndexColorModel icm = assertInstanceOf(IndexColorModel.class, img.getColorModel());
        // (ImageIO's reader pads a short palette to 2^bitDepth entries; the file holds exactly PALETTE, below)
        for (int i = 0; i < PALETTE.length; i++) {
            assertEquals(PALETTE[i], icm.getRGB(i) & 0xFFFFFF, "palette entry " + i);
            assertEquals(255, icm.getAlpha(i), "palette entry " + i + " is opaque");
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                assertEquals(values[y * w + x], img.getRaster().getSample(x, y, 0), "(" + x + ", " + y + ")");
                assertEquals(PALETTE[values[y * w + x]], img.getRGB(x, y) & 0xFFFFFF, "colour at (" + x + ", " + y + ")");
            }
        }

        // the file itself: IHDR 8-bit colour type 3 (palette), a PLTE of exactly these colours, no tRNS
        PngChunks file = PngChunks.of(png);
        assertEquals(8, file.bitDepth());
        assertEquals(PngChunks.COLOUR_TYPE_PALETTE, file.colourType());
        assertArrayEquals(PALETTE, file.palette());
        assertFalse(file.has("tRNS"), file.chunks().keySet().toString());

        // segpipe's own label reader gives the values and the palette back
        LabelRaster label = ImageCodec.decodeLabel(png);
        assertEquals(LabelRaster.Kind.PALETTE, label.kind());
        assertArrayEquals(values, label.data());
        assertArrayEquals(PALETTE, java.util.Arrays.copyOf(label.palette(), PALETTE.length));
    }

    @Test
    void indexedPngKeepsAGreyRampPaletteAndAll256Values() throws Exception {
        int[] ramp = new int[256];
        byte[] values = new byte[256];
        for (int i = 0; i < 256; i++) {
            ramp[i] = i * 0x010101;
            values[i] = (byte) (255 - i);
        }
        // ImageIO stores such a palette as a grey PNG unless told otherwise; a mask stays a palette PNG
        byte[] png = ImageCodec.encodeIndexedPng(16, 16, values, ramp);
        assertEquals(PngChunks.COLOUR_TYPE_PALETTE, PngChunks.of(png).colourType());
        LabelRaster label = ImageCodec.decodeLabel(png);
        assertEquals(LabelRaster.Kind.PALETTE, label.kind());
        assertArrayEquals(values, label.data());
        assertArrayEquals(ramp, label.palette());
        assertEquals(255, ImageIO.read(new ByteArrayInputStream(png)).getRaster().getSample(0, 0, 0));
    }

    @Test
    void indexedPngRefusesValuesWithoutAPaletteEntry() {
        byte[] values = {0, 1, 12, 3};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageCodec.encodeIndexedPng(2, 2, values, PALETTE));
        assertEquals("value 12 at (x=0, y=1) has no entry in the 12-entry palette", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageCodec.encodeIndexedPng(2, 2, values, new int[257]));
        assertThrows(IllegalArgumentException.class, () -> ImageCodec.encodeIndexedPng(2, 2, values, new int[0]));
        assertThrows(IllegalArgumentException.class, () -> ImageCodec.encodeIndexedPng(3, 2, values, new int[256]));
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

    @Test
    void aHeaderClaimingAHugeImageIsRefusedBeforeDecoding() {
        // One row of data: decoding would fail as corrupt, so this reason proves nothing was decoded.
        byte[] claims = ZeroPng.of(100_000, 100_000, 8, ZeroPng.Colour.RGB, 1);
        assertEquals("PNG header says 100000x100000 with 3 channels of 8 bits: 30000000000 bytes decoded, above"
                + " maxDecodedBytes 268435456", reason(claims));
        assertEquals("PNG header says 100000x100000 with 3 channels of 8 bits: 30000000000 bytes decoded, above"
                + " maxDecodedBytes 268435456", assertThrows(BadInputException.class, () -> ImageCodec.decodeLabel(claims)).reason());
    }

    @Test
    void theDecodedSizeCountsChannelsAndBytesPerSample() {
        byte[] deep = ZeroPng.of(9000, 9000, 16, ZeroPng.Colour.RGBA, 1);
        assertEquals("PNG header says 9000x9000 with 4 channels of 16 bits: 648000000 bytes decoded, above"
                + " maxDecodedBytes 268435456", reason(deep));
    }

    @Test
    void theLimitIsInclusiveAndConfigurable() throws Exception {
        byte[] png = ZeroPng.of(64, 32, 8, ZeroPng.Colour.RGB);
        long exact = 64 * 32 * 3;
        assertEquals(new ImageInfo(64, 32, 3), ImageCodec.checkImage(png, exact));
        assertEquals(64, ImageCodec.decodeImage(png, exact).width());
        assertEquals("PNG header says 64x32 with 3 channels of 8 bits: 6144 bytes decoded, above maxDecodedBytes 6143",
                assertThrows(BadInputException.class, () -> ImageCodec.checkImage(png, exact - 1)).reason());
        assertEquals("PNG header says 64x32 with 3 channels of 8 bits: 6144 bytes decoded, above maxDecodedBytes 6143",
                assertThrows(BadInputException.class, () -> ImageCodec.decodeLabel(png, exact - 1)).reason());
    }

    @Test
    void depthAndAlphaAreRefusedFromTheHeader() {
        // Truncated data again: the reason must come from the header, not from a failed decode.
        assertEquals("16-bit samples are not supported (only 8-bit grey, RGB or palette)",
                reason(ZeroPng.of(32, 32, 16, ZeroPng.Colour.GREY, 1)));
        assertEquals("RGBA (4 channels) is not supported: an alpha channel is not image data (only 8-bit grey, RGB or"
                + " palette)", reason(ZeroPng.of(32, 32, 8, ZeroPng.Colour.RGBA, 1)));
        assertEquals("grey+alpha (2 channels) is not supported: an alpha channel is not image data (only 8-bit grey, RGB"
                + " or palette)", reason(ZeroPng.of(32, 32, 8, ZeroPng.Colour.GREY_ALPHA, 1)));
        assertTrue(reason(ZeroPng.of(32, 32, 8, ZeroPng.Colour.RGB, 1)).startsWith("corrupt PNG: "),
                "a supported header with truncated data is still corrupt");
    }

    @Test
    void cmykAndYcckJpegAreNamed() {
        String cmyk = "CMYK JPEG (4 channels) is not supported (only 8-bit grey, RGB or palette): convert it to RGB";
        assertEquals(cmyk, reason(TinyDatasets.fourChannelJpeg(16, 16, -1)));
        assertEquals(cmyk, reason(TinyDatasets.fourChannelJpeg(16, 16, 0)));
        assertEquals("YCCK JPEG (4 channels) is not supported (only 8-bit grey, RGB or palette): convert it to RGB",
                reason(TinyDatasets.fourChannelJpeg(16, 16, 2)));
        assertEquals(cmyk, assertThrows(BadInputException.class,
                () -> ImageCodec.decodeLabel(TinyDatasets.fourChannelJpeg(16, 16, -1))).reason());
    }

    @Test
    void exifOrientationOtherThanOneIsRefusedInBothByteOrders() throws Exception {
        byte[] jpeg = TinyDatasets.jpeg(16, 8);
        assertEquals("EXIF orientation 6 (viewers show it rotated 90 degrees clockwise) is not applied: the label may"
                + " follow the stored or the displayed pixels; store the pixels upright (e.g. exiftran -ai) or remove the tag",
                reason(TinyDatasets.withExifOrientation(jpeg, 6, true)));
        assertEquals("EXIF orientation 3 (viewers show it rotated 180 degrees) is not applied: the label may follow the"
                + " stored or the displayed pixels; store the pixels upright (e.g. exiftran -ai) or remove the tag",
                reason(TinyDatasets.withExifOrientation(jpeg, 3, false)));
        for (int upright : new int[]{1, 0, 9}) {
            // 1 is upright; 0 and 9 are invalid tags, which viewers ignore too.
            RasterImage img = ImageCodec.decodeImage(TinyDatasets.withExifOrientation(jpeg, upright, upright != 0));
            assertArrayEquals(ImageCodec.decodeImage(jpeg).pixels(), img.pixels(), "orientation " + upright);
        }
        byte[] png = ZeroPng.withExif(ZeroPng.of(8, 4, 8, ZeroPng.Colour.RGB), TinyDatasets.exifTiff(8, false));
        assertEquals("EXIF orientation 8 (viewers show it rotated 90 degrees counter-clockwise) is not applied: the label"
                + " may follow the stored or the displayed pixels; store the pixels upright (e.g. exiftran -ai) or remove"
                + " the tag", assertThrows(BadInputException.class, () -> ImageCodec.decodeLabel(png)).reason());
        byte[] uprightPng = ZeroPng.withExif(ZeroPng.of(8, 4, 8, ZeroPng.Colour.RGB), TinyDatasets.exifTiff(1, true));
        assertEquals(new ImageInfo(8, 4, 3), ImageCodec.checkImage(uprightPng));
    }

    @Test
    void aMalformedExifBlockCountsAsAbsent() throws Exception {
        byte[] tiff = TinyDatasets.exifTiff(6, true);
        tiff[7] = 100; // IFD offset beyond the block
        byte[] png = ZeroPng.withExif(ZeroPng.of(8, 4, 8, ZeroPng.Colour.RGB), tiff);
        assertEquals(new ImageInfo(8, 4, 3), ImageCodec.checkImage(png));
        byte[] jpeg = TinyDatasets.withExifOrientation(TinyDatasets.jpeg(8, 8), 6, true);
        jpeg[2 + 4 + 6 + 2] = 43; // TIFF magic 42 broken
        assertEquals(new ImageInfo(8, 8, 3), ImageCodec.checkImage(jpeg));
    }
}
