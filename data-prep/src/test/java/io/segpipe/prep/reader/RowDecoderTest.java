package io.segpipe.prep.reader;

import io.segpipe.prep.codec.BadInputException;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.schema.ShardSchema;
import io.segpipe.prep.testkit.TinyDatasets;
import io.segpipe.prep.testkit.ZeroPng;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Stored bytes are decoded only within the size the row declares. */
class RowDecoderTest {

    private static final RowDecoder DECODER = new RowDecoder(Normalization.UNIT, 3, 255);

    private static Row row(byte[] image, byte[] label, int height, int width, int channels) {
        return new GenericRowWithSchema(new Object[]{"s", image, label, height, width, channels, null, null, null, null,
            "train"}, ShardSchema.SCHEMA);
    }

    @Test
    void rowsOfTheirDeclaredSizeDecode() {
        TensorSample rgb = DECODER.decode(row(TinyDatasets.noisyRgbPng(8, 4, 1), TinyDatasets.constantGreyPng(8, 4, 2), 4, 8, 3));
        assertEquals(8 * 4 * 3, rgb.image().length);
        // A palette image's raster holds one index per pixel, less than the RGB it expands to.
        TensorSample palette = DECODER.decode(row(TinyDatasets.palettePng(2, 2, new byte[]{0, 1, 2, 3}),
                TinyDatasets.constantGreyPng(2, 2, 255), 2, 2, 3));
        assertEquals(2 * 2 * 3, palette.image().length);
    }

    @Test
    void keepingPixelsCarriesTheDecodedBytesTheNormalisedImageWasComputedFrom() throws BadInputException {
        byte[] png = TinyDatasets.noisyRgbPng(8, 4, 5);
        Row row = row(png, TinyDatasets.constantGreyPng(8, 4, 2), 4, 8, 3);
        assertNull(DECODER.decode(row).pixels(), "not kept unless asked for");
        TensorSample kept = DECODER.keepingPixels().decode(row);
        byte[] decoded = ImageCodec.decodeImage(png).pixels();
        assertArrayEquals(decoded, kept.pixels());
        assertArrayEquals(DECODER.decode(row).image(), kept.image());
        int plane = 8 * 4;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                assertEquals((decoded[i * 3 + c] & 0xFF) / 255f, kept.image()[c * plane + i], 1e-6f, "pixel " + i);
            }
        }
    }

    @Test
    void storedBytesClaimingMoreThanTheRowAreRefusedBeforeDecoding() {
        Row bomb = row(ZeroPng.of(9000, 9000, 8, ZeroPng.Colour.RGB, 1), TinyDatasets.constantGreyPng(32, 32, 1), 32, 32, 3);
        assertEquals("sample s: stored bytes do not decode as the row's 32x32x3: PNG header says 9000x9000 with 3 channels"
                + " of 8 bits: 243000000 bytes decoded, above maxDecodedBytes 3072",
                assertThrows(IllegalStateException.class, () -> DECODER.decode(bomb)).getMessage());
        Row labelBomb = row(TinyDatasets.noisyRgbPng(32, 32, 1), ZeroPng.of(9000, 9000, 8, ZeroPng.Colour.GREY, 1), 32, 32, 3);
        assertEquals("sample s: stored bytes do not decode as the row's 32x32x3: PNG header says 9000x9000 with 1 channel"
                + " of 8 bits: 81000000 bytes decoded, above maxDecodedBytes 1024",
                assertThrows(IllegalStateException.class, () -> DECODER.decode(labelBomb)).getMessage());
    }
}
