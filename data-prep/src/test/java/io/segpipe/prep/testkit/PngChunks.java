package io.segpipe.prep.testkit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A PNG file's chunks read from its bytes, without ImageIO: for tests that check what a written
 * file holds (colour type, palette) independently of the reader that will decode it.
 *
 * @param chunks the data of the first chunk of each type, by type ("IHDR", "PLTE", ...), in file order
 */
public record PngChunks(Map<String, byte[]> chunks) {

    /** PNG colour type of a palette image (IHDR byte 9). */
    public static final int COLOUR_TYPE_PALETTE = 3;

    public static PngChunks of(byte[] png) {
        Map<String, byte[]> chunks = new LinkedHashMap<>();
        ByteBuffer buf = ByteBuffer.wrap(png);
        buf.position(8); // signature
        while (buf.remaining() >= 12) {
            int length = buf.getInt();
            byte[] type = new byte[4];
            buf.get(type);
            byte[] data = new byte[length];
            buf.get(data);
            buf.getInt(); // CRC
            chunks.putIfAbsent(new String(type, StandardCharsets.US_ASCII), data);
        }
        return new PngChunks(chunks);
    }

    public boolean has(String type) {
        return chunks.containsKey(type);
    }

    /** IHDR's bit depth. */
    public int bitDepth() {
        return chunks.get("IHDR")[8];
    }

    /** IHDR's colour type (0 grey, 2 RGB, 3 palette, ...). */
    public int colourType() {
        return chunks.get("IHDR")[9];
    }

    /** The PLTE entries as packed 0xRRGGBB, or null without a PLTE chunk. */
    public int[] palette() {
        byte[] plte = chunks.get("PLTE");
        if (plte == null) {
            return null;
        }
        int[] colours = new int[plte.length / 3];
        for (int i = 0; i < colours.length; i++) {
            colours[i] = ((plte[3 * i] & 0xFF) << 16) | ((plte[3 * i + 1] & 0xFF) << 8) | (plte[3 * i + 2] & 0xFF);
        }
        return colours;
    }
}
