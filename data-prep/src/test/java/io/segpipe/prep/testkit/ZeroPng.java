package io.segpipe.prep.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * PNG files of zeros built byte by byte: the signature, IHDR, one IDAT holding the zero rows
 * streamed through a {@link Deflater}, IEND, each chunk with its CRC. Zeros deflate over 200:1
 * even at the fastest level, so a 9000x9000 16-bit RGBA image (648 MB decoded) is about 3 MB on
 * disk and is never held as a raster. Writing fewer rows than the header claims gives a file whose
 * header alone is plausible.
 */
public final class ZeroPng {

    /** PNG colour types and their channel counts. */
    public enum Colour {
        GREY(0, 1), RGB(2, 3), GREY_ALPHA(4, 2), RGBA(6, 4);

        final int code;
        final int channels;

        Colour(int code, int channels) {
            this.code = code;
            this.channels = channels;
        }
    }

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    private ZeroPng() {
    }

    /** A complete image: {@code height} zero rows. */
    public static byte[] of(int width, int height, int bitDepth, Colour colour) {
        return of(width, height, bitDepth, colour, height);
    }

    /** An image whose header says {@code width x height} but whose data holds only {@code rows} zero rows. */
    public static byte[] of(int width, int height, int bitDepth, Colour colour, int rows) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(SIGNATURE);
            ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
            DataOutputStream h = new DataOutputStream(ihdr);
            h.writeInt(width);
            h.writeInt(height);
            h.writeByte(bitDepth);
            h.writeByte(colour.code);
            h.writeByte(0); // deflate
            h.writeByte(0); // adaptive filtering; every row uses filter type 0 (none)
            h.writeByte(0); // not interlaced
            chunk(out, "IHDR", ihdr.toByteArray());
            chunk(out, "IDAT", zeroRows(rowBytes(width, bitDepth, colour), rows));
            chunk(out, "IEND", new byte[0]);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@link #of(int, int, int, Colour)} to {@code file}. */
    public static void write(Path file, int width, int height, int bitDepth, Colour colour) {
        TinyDatasets.write(file, of(width, height, bitDepth, colour));
    }

    /** A PNG with an {@code eXIf} chunk (after IHDR) holding {@code tiff}. */
    public static byte[] withExif(byte[] png, byte[] tiff) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            int afterIhdr = SIGNATURE.length + 12 + 13;
            out.write(png, 0, afterIhdr);
            chunk(out, "eXIf", tiff);
            out.write(png, afterIhdr, png.length - afterIhdr);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long rowBytes(int width, int bitDepth, Colour colour) {
        return 1 + ((long) width * colour.channels * bitDepth + 7) / 8;
    }

    private static byte[] zeroRows(long rowBytes, int rows) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] zeros = new byte[(int) Math.min(rowBytes, 1 << 20)];
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try (DeflaterOutputStream z = new DeflaterOutputStream(compressed, deflater, 1 << 16)) {
            for (long left = rowBytes * rows; left > 0; left -= zeros.length) {
                z.write(zeros, 0, (int) Math.min(zeros.length, left));
            }
        } finally {
            deflater.end();
        }
        return compressed.toByteArray();
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeInt(data.length);
        out.write(name);
        out.write(data);
        out.writeInt((int) crc.getValue());
    }
}
