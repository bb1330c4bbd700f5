package io.segpipe.prep.codec;

import java.nio.charset.StandardCharsets;

/**
 * What ImageIO does not report about an encoded image, read from its marker segments (JPEG) or
 * chunk headers (PNG) without touching the pixel data: the EXIF orientation (JPEG APP1
 * {@code Exif}, PNG {@code eXIf}) and the colour transform of a JPEG's Adobe APP14 segment
 * (2 = YCCK). A malformed or missing tag counts as absent: viewers ignore those too.
 *
 * @param orientation    EXIF orientation tag 0x0112, {@link #UPRIGHT} when absent
 * @param adobeTransform Adobe APP14 transform byte (0 = none/CMYK, 1 = YCbCr, 2 = YCCK), -1 when absent
 */
record HeaderScan(int orientation, int adobeTransform) {

    /** EXIF orientation 1: the stored pixels are shown as they are. */
    static final int UPRIGHT = 1;
    /** Adobe APP14 transform of a YCCK JPEG. */
    static final int ADOBE_YCCK = 2;

    private static final byte[] EXIF = {'E', 'x', 'i', 'f', 0, 0};
    private static final byte[] ADOBE = {'A', 'd', 'o', 'b', 'e'};
    private static final int ORIENTATION_TAG = 0x0112;
    private static final int TIFF_SHORT = 3;

    static HeaderScan of(ImageCodec.Format format, byte[] bytes) {
        return format == ImageCodec.Format.JPEG ? jpeg(bytes) : png(bytes);
    }

    /** Whether viewers show the image rotated or mirrored (a valid orientation tag other than 1). */
    boolean reoriented() {
        return orientation >= 2 && orientation <= 8;
    }

    /** How viewers transform the stored pixels for display, for orientations 2..8. */
    static String describe(int orientation) {
        return switch (orientation) {
            case 2 -> "mirrored left-right";
            case 3 -> "rotated 180 degrees";
            case 4 -> "mirrored top-bottom";
            case 5 -> "mirrored along the main diagonal";
            case 6 -> "rotated 90 degrees clockwise";
            case 7 -> "mirrored along the anti-diagonal";
            case 8 -> "rotated 90 degrees counter-clockwise";
            default -> "shown as stored";
        };
    }

    /** Walks the marker segments from SOI up to the first scan (SOS): the pixel data is never read. */
    private static HeaderScan jpeg(byte[] b) {
        int orientation = UPRIGHT;
        int transform = -1;
        boolean exifSeen = false;
        int i = 2;
        while (i + 4 <= b.length && (b[i] & 0xFF) == 0xFF) {
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++; // fill byte before a marker
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                break; // start of scan or end of image
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                i += 2; // markers without a length
                continue;
            }
            int end = i + 2 + u16(b, i + 2, false);
            int start = i + 4;
            if (end < start || end > b.length) {
                break;
            }
            if (marker == 0xE1 && !exifSeen && startsWith(b, start, end, EXIF)) {
                exifSeen = true;
                orientation = tiffOrientation(b, start + EXIF.length, end);
            } else if (marker == 0xEE && end - start >= 12 && startsWith(b, start, end, ADOBE)) {
                transform = b[start + 11] & 0xFF;
            }
            i = end;
        }
        return new HeaderScan(orientation, transform);
    }

    /** Walks the chunk headers from IHDR to IEND, jumping over chunk data other than {@code eXIf}. */
    private static HeaderScan png(byte[] b) {
        int i = 8;
        while (i + 12 <= b.length) {
            long length = u32(b, i, false);
            if (length > b.length - i - 12L) {
                break;
            }
            String type = new String(b, i + 4, 4, StandardCharsets.ISO_8859_1);
            if (type.equals("eXIf")) {
                return new HeaderScan(tiffOrientation(b, i + 8, i + 8 + (int) length), -1);
            }
            if (type.equals("IEND")) {
                break;
            }
            i += 12 + (int) length;
        }
        return new HeaderScan(UPRIGHT, -1);
    }

    /** Orientation tag of the first IFD of the TIFF structure in {@code b[tiff, end)}, or 1. */
    private static int tiffOrientation(byte[] b, int tiff, int end) {
        if (end - tiff < 8) {
            return UPRIGHT;
        }
        boolean little;
        if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            little = true;
        } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            little = false;
        } else {
            return UPRIGHT;
        }
        if (u16(b, tiff + 2, little) != 42) {
            return UPRIGHT;
        }
        long ifd = u32(b, tiff + 4, little);
        if (ifd < 8 || ifd > end - tiff - 2L) {
            return UPRIGHT;
        }
        int pos = tiff + (int) ifd;
        int entries = u16(b, pos, little);
        for (int k = 0; k < entries; k++) {
            int e = pos + 2 + 12 * k;
            if (e + 12 > end) {
                break;
            }
            if (u16(b, e, little) == ORIENTATION_TAG) {
                return u16(b, e + 2, little) == TIFF_SHORT ? u16(b, e + 8, little) : UPRIGHT;
            }
        }
        return UPRIGHT;
    }

    private static boolean startsWith(byte[] b, int start, int end, byte[] prefix) {
        if (end - start < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (b[start + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    private static int u16(byte[] b, int i, boolean little) {
        int hi = b[little ? i + 1 : i] & 0xFF;
        int lo = b[little ? i : i + 1] & 0xFF;
        return hi << 8 | lo;
    }

    private static long u32(byte[] b, int i, boolean little) {
        long hi = u16(b, little ? i + 2 : i, little);
        long lo = u16(b, little ? i : i + 2, little);
        return hi << 16 | lo;
    }
}
