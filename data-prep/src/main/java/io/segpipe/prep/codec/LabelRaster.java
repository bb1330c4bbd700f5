package io.segpipe.prep.codec;

/**
 * A decoded label image before it is mapped to class ids. {@code data} holds one byte per pixel
 * for {@link Kind#GREY} (the values) and {@link Kind#PALETTE} (the palette indices), three (RGB)
 * for {@link Kind#RGB}. {@code palette} holds the packed {@code 0xRRGGBB} palette entries of a
 * {@link Kind#PALETTE} label, null otherwise.
 */
public record LabelRaster(int width, int height, Kind kind, byte[] data, int[] palette) {

    /** How the label file stores its values. */
    public enum Kind {
        /** 8-bit single-channel: the sample is the value. */
        GREY,
        /** Palette (indexed) PNG: the index is the value, the palette is only for display. */
        PALETTE,
        /** 8-bit RGB: colour-coded classes. */
        RGB
    }

    public String size() {
        return width + "x" + height;
    }
}
