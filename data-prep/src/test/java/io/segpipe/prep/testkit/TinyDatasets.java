package io.segpipe.prep.testkit;

import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.codec.RasterImage;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.synth.SyntheticConfig;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import org.apache.hadoop.conf.Configuration;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small datasets and hand-made image files for tests. */
public final class TinyDatasets {

    private TinyDatasets() {
    }

    /** A synthetic paired-folder dataset of {@code n} {@code size x size} RGB images under {@code root}. */
    public static PairedFolders synthetic(Path root, int n, int size, long seed) {
        try {
            return SyntheticDatasetGenerator.generate(SyntheticConfig.DEFAULT.withSamples(n).withSize(size, size)
                    .withSeed(seed), root.toString(), new Configuration());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 8-bit grey PNG of the given values. */
    public static byte[] greyPng(int w, int h, byte[] values) {
        return ImageCodec.encodeGreyPng(w, h, values);
    }

    /** 8-bit grey PNG where every pixel is {@code value}. */
    public static byte[] constantGreyPng(int w, int h, int value) {
        byte[] v = new byte[w * h];
        java.util.Arrays.fill(v, (byte) value);
        return greyPng(w, h, v);
    }

    /** RGB PNG where every pixel has colour {@code r,g,b}. */
    public static byte[] constantRgbPng(int w, int h, int r, int g, int b) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            px[3 * i] = (byte) r;
            px[3 * i + 1] = (byte) g;
            px[3 * i + 2] = (byte) b;
        }
        return ImageCodec.encodePng(new RasterImage(w, h, 3, px));
    }

    /** A noisy RGB PNG (so truncation hits the compressed data, not padding). */
    public static byte[] noisyRgbPng(int w, int h, long seed) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) rnd.nextInt(256);
        }
        return ImageCodec.encodePng(new RasterImage(w, h, 3, px));
    }

    /** Palette PNG (8-bit indexed) with the given indices and a VOC-like palette. */
    public static byte[] palettePng(int w, int h, byte[] indices) {
        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] b = new byte[256];
        for (int i = 0; i < 256; i++) {
            io.segpipe.prep.schema.Rgb c = io.segpipe.prep.schema.ClassTable.vocColour(i);
            r[i] = (byte) c.r();
            g[i] = (byte) c.g();
            b[i] = (byte) c.b();
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 256, r, g, b));
        img.getRaster().setDataElements(0, 0, w, h, indices);
        return write(img, "png");
    }

    /** 16-bit grey PNG. */
    public static byte[] grey16Png(int w, int h) {
        return write(new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY), "png");
    }

    /** RGBA PNG. */
    public static byte[] rgbaPng(int w, int h) {
        return write(new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB), "png");
    }

    /** Baseline JPEG of a smooth RGB gradient. */
    public static byte[] jpeg(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((x * 255 / w) << 16) | ((y * 255 / h) << 8) | 128);
            }
        }
        return write(img, "jpeg");
    }

    /**
     * A 4-component JPEG, which ImageIO reads as CMYK; with {@code adobeTransform} 2 its Adobe APP14
     * segment marks it YCCK, with 0 plain CMYK (Photoshop writes both), with -1 it has none.
     */
    public static byte[] fourChannelJpeg(int w, int h, int adobeTransform) {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(raster, null, null), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        if (adobeTransform < 0) {
            return out.toByteArray();
        }
        byte[] app14 = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) adobeTransform};
        return insertAfterSoi(out.toByteArray(), app14);
    }

    /**
     * {@code jpeg} with an EXIF APP1 segment whose first IFD holds the orientation tag, in
     * big-endian ({@code MM}) or little-endian ({@code II}) TIFF byte order.
     */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation, boolean bigEndian) {
        byte[] tiff = exifTiff(orientation, bigEndian);
        byte[] app1 = new byte[4 + 6 + tiff.length];
        app1[0] = (byte) 0xFF;
        app1[1] = (byte) 0xE1;
        app1[2] = (byte) ((app1.length - 2) >> 8);
        app1[3] = (byte) (app1.length - 2);
        System.arraycopy(new byte[]{'E', 'x', 'i', 'f', 0, 0}, 0, app1, 4, 6);
        System.arraycopy(tiff, 0, app1, 10, tiff.length);
        return insertAfterSoi(jpeg, app1);
    }

    /** A TIFF structure (as EXIF blocks hold) with one IFD holding the orientation tag 0x0112. */
    public static byte[] exifTiff(int orientation, boolean bigEndian) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(26)
                .order(bigEndian ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(bigEndian ? (byte) 'M' : (byte) 'I').put(bigEndian ? (byte) 'M' : (byte) 'I').putShort((short) 42).putInt(8);
        b.putShort((short) 1); // one IFD entry
        b.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        b.putInt(0); // no next IFD
        return b.array();
    }

    private static byte[] insertAfterSoi(byte[] jpeg, byte[] segment) {
        byte[] out = new byte[jpeg.length + segment.length];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(segment, 0, out, 2, segment.length);
        System.arraycopy(jpeg, 2, out, 2 + segment.length, jpeg.length - 2);
        return out;
    }

    /** The first {@code fraction} of {@code bytes}. */
    public static byte[] truncate(byte[] bytes, double fraction) {
        return java.util.Arrays.copyOf(bytes, (int) (bytes.length * fraction));
    }

    public static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] write(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
