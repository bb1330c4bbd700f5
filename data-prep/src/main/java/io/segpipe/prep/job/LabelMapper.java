package io.segpipe.prep.job;

import io.segpipe.prep.codec.BadInputException;
import io.segpipe.prep.codec.LabelRaster;
import io.segpipe.prep.schema.ClassTable;

import java.io.Serializable;
import java.util.Map;

/**
 * Turns a decoded label file into one class id (or the ignore label) per pixel, checking every
 * value against the class table. Built once per job and shipped to executors.
 */
final class LabelMapper implements Serializable {

    private static final long serialVersionUID = 1L;

    private final ClassTable classes;
    private final LabelFormat format;
    /** For IDS: raw 8-bit value to stored value, -1 where the raw value is not allowed. */
    private final int[] lut = new int[256];
    private final boolean identity;

    LabelMapper(ClassTable classes, LabelFormat format, Map<Integer, Integer> valueMap) {
        this.classes = classes;
        this.format = format;
        boolean id = true;
        for (int v = 0; v < 256; v++) {
            if (valueMap.isEmpty()) {
                lut[v] = classes.isValidLabel(v) ? v : -1;
            } else {
                Integer mapped = valueMap.get(v);
                lut[v] = mapped != null ? mapped : (classes.ignore().isPresent() && v == classes.ignoreLabel() ? v : -1);
            }
            id &= lut[v] == v || lut[v] == -1;
        }
        this.identity = id;
    }

    /**
     * Result: ids per pixel, pixels per id value (256 entries, the ignore label included), and
     * whether the ids equal the source values (so the source PNG can be kept).
     */
    record Mapped(byte[] ids, long[] idCounts, boolean sameAsSource) {
    }

    Mapped map(LabelRaster label) throws BadInputException {
        return switch (format) {
            case IDS -> mapIds(label);
            case COLOURS -> mapColours(label);
        };
    }

    private Mapped mapIds(LabelRaster label) throws BadInputException {
        if (label.kind() == LabelRaster.Kind.RGB) {
            throw new BadInputException("label is RGB; labelFormat IDS expects 8-bit single-channel ids or a palette PNG"
                    + " (use labelFormat COLOURS for colour-coded labels)");
        }
        byte[] src = label.data();
        // One pass counts the raw values; validity and the ids' counts follow from the 256 counts.
        long[] raw = valueCounts(src);
        long bad = 0;
        for (int v = 0; v < raw.length; v++) {
            if (lut[v] < 0) {
                bad += raw[v];
            }
        }
        if (bad > 0) {
            int firstBad = 0;
            while (lut[src[firstBad] & 0xFF] >= 0) {
                firstBad++;
            }
            int x = firstBad % label.width();
            int y = firstBad / label.width();
            throw new BadInputException("label value " + (src[firstBad] & 0xFF) + " at (x=" + x + ", y=" + y
                    + ") is outside the class table (" + classes.describeValues() + "); " + bad + " such pixels");
        }
        if (identity) {
            return new Mapped(src, raw, label.kind() == LabelRaster.Kind.GREY);
        }
        byte[] ids = new byte[src.length];
        for (int i = 0; i < src.length; i++) {
            ids[i] = (byte) lut[src[i] & 0xFF];
        }
        long[] counts = new long[256];
        for (int v = 0; v < raw.length; v++) {
            if (raw[v] > 0) {
                counts[lut[v]] += raw[v];
            }
        }
        return new Mapped(ids, counts, false);
    }

    private Mapped mapColours(LabelRaster label) throws BadInputException {
        int n = label.width() * label.height();
        byte[] ids = new byte[n];
        byte[] src = label.data();
        if (label.kind() == LabelRaster.Kind.GREY) {
            throw new BadInputException("label is single-channel; labelFormat COLOURS expects RGB colour-coded labels"
                    + " (use labelFormat IDS for class-id labels)");
        }
        int lastRgb = -1;
        int lastId = -1;
        long bad = 0;
        int firstBad = -1;
        int firstBadRgb = 0;
        for (int i = 0; i < n; i++) {
            int rgb = label.kind() == LabelRaster.Kind.PALETTE
                    ? ((src[i] & 0xFF) < label.palette().length ? label.palette()[src[i] & 0xFF] : -1)
                    : ((src[3 * i] & 0xFF) << 16) | ((src[3 * i + 1] & 0xFF) << 8) | (src[3 * i + 2] & 0xFF);
            if (rgb != lastRgb) {
                // Labels are made of long runs of one colour: one lookup per run, not per pixel.
                lastRgb = rgb;
                lastId = classes.idForColour(rgb);
            }
            if (lastId < 0) {
                if (bad++ == 0) {
                    firstBad = i;
                    firstBadRgb = rgb;
                }
            } else {
                ids[i] = (byte) lastId;
            }
        }
        if (bad > 0) {
            throw new BadInputException("label colour " + io.segpipe.prep.schema.Rgb.ofPacked(firstBadRgb) + " at (x="
                    + firstBad % label.width() + ", y=" + firstBad / label.width() + ") is not in the class table; "
                    + bad + " such pixels");
        }
        return new Mapped(ids, valueCounts(ids), false);
    }

    /**
     * Pixels per 8-bit value (256 entries). Counts runs of equal values rather than incrementing per
     * pixel: label maps are long runs of one value, and a per-pixel {@code counts[v]++} is a chain of
     * dependent loads and stores on the same counter that cost about an eighth of decoding the image.
     */
    static long[] valueCounts(byte[] values) {
        long[] counts = new long[256];
        int start = 0;
        for (int i = 1; i <= values.length; i++) {
            if (i == values.length || values[i] != values[start]) {
                counts[values[start] & 0xFF] += i - start;
                start = i;
            }
        }
        return counts;
    }
}
