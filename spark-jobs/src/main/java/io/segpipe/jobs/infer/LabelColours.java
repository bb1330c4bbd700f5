package io.segpipe.jobs.infer;

import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.schema.ClassInfo;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.Rgb;

/**
 * Renders label maps in a dataset's class colours (CamVid's road purple, sky grey, ...), for the
 * report's overlay examples, and encodes them as indexed masks (the scoring job's masks, the
 * report's truth and prediction panels): PNGs whose pixels are the label values and whose palette
 * is these colours ({@link #indexedPng}). The ignore label takes the table's ignore colour, black
 * when it has none.
 */
public final class LabelColours implements java.io.Serializable {

    private static final long serialVersionUID = 2L;

    /** Packed 0xRRGGBB per label value 0..255; values outside the table are magenta. */
    private final int[] palette = new int[256];
    /** Label values the table defines: 0..paletteSize-1 (the class ids, up to the ignore label when there is one). */
    private final int paletteSize;

    public LabelColours(ClassTable classes) {
        java.util.Arrays.fill(palette, 0xFF00FF);
        for (ClassInfo c : classes.classes()) {
            palette[c.id()] = c.colour().packed();
        }
        int size = classes.numClasses();
        if (classes.ignoreLabel() != null) {
            Rgb ignore = classes.ignoreColour();
            palette[classes.ignoreLabel()] = ignore == null ? 0 : ignore.packed();
            size = classes.ignoreLabel() + 1;
        }
        this.paletteSize = size;
    }

    /**
     * The palette of indexed masks, packed 0xRRGGBB: entry {@code v} is the colour of label value
     * {@code v}, for every value from 0 to the highest the class table defines (the class ids, and
     * the ignore label when there is one; values between the last class and the ignore label,
     * which no label holds, are magenta).
     */
    public int[] palette() {
        return java.util.Arrays.copyOf(palette, paletteSize);
    }

    /**
     * {@code labels} (row-major, one 8-bit label value per pixel) as an indexed PNG whose palette is
     * {@link #palette()}: the pixels are the class ids, viewers show the class colours.
     *
     * @throws IllegalArgumentException when a value is beyond the class table (no palette entry)
     */
    public byte[] indexedPng(byte[] labels, int width, int height) {
        return ImageCodec.encodeIndexedPng(width, height, labels, palette());
    }

    /** Packed 0xRRGGBB colour of a label value. */
    public int colour(int label) {
        return label < 0 || label > 255 ? 0xFF00FF : palette[label];
    }
}
