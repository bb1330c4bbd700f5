package io.segpipe.prep.codec;

import io.segpipe.prep.Errors;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Decodes and encodes PNG and JPEG with javax.imageio. Supported: 8-bit grey, 8-bit RGB and
 * palette (1/2/4/8-bit indexed) images; encoded: PNG in 8-bit grey, RGB and palette
 * ({@link #encodeIndexedPng}: values such as class ids with a colour per value). Rejected, with a {@link BadInputException} naming what
 * was found: empty files, other formats, corrupt or truncated data (a decoder warning counts as
 * corruption, because ImageIO returns a half-grey picture for a truncated JPEG and only warns),
 * 16-bit samples, alpha channels, CMYK and YCCK JPEG and other channel counts, images with an
 * EXIF orientation other than 1, and images whose decoded raster would exceed a byte limit.
 *
 * <p>Everything that can be refused from the header is refused before the decoder allocates the
 * raster ({@link #checkHeader}): the decoded size (width x height x channels x bytes per sample, as
 * the header and ImageIO's image type give them) is compared with {@code maxDecodedBytes}, so a
 * small file that claims a huge image (a decompression bomb) costs a header read, not the heap.
 *
 * <p>EXIF orientation is refused rather than applied: a label drawn by a tool that ignored the tag
 * follows the stored pixels, one drawn by a tool that applied it follows the rotated ones, and for
 * half of the orientations (mirrors, 180 degrees) both fit the label's size, so applying the tag
 * could silently misalign image and label. Storing the pixels upright resolves it either way.
 * Stateless and thread-safe.
 */
public final class ImageCodec {

    /**
     * Default upper bound on the decoded raster, 256 MiB: about 89 megapixels of 8-bit RGB, far
     * above camera images, well below what one executor core can hold. Decoding one sample peaks at
     * a small multiple of it (the raster, its interleaved copy, resize buffers).
     */
    public static final long DEFAULT_MAX_DECODED_BYTES = 256L << 20;

    /** Largest usable {@code maxDecodedBytes}: a decoded raster is one Java array. */
    public static final long MAX_DECODED_BYTES_LIMIT = Integer.MAX_VALUE - 8;

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    private static final ImageReaderSpi PNG_READER = readerSpi("png");
    private static final ImageReaderSpi JPEG_READER = readerSpi("jpeg");

    static {
        // Decoding reads from memory; ImageIO's default disk cache only adds temp-file I/O.
        ImageIO.setUseCache(false);
    }

    private ImageCodec() {
    }

    /** Container formats recognised by their leading bytes. */
    public enum Format {
        PNG, JPEG
    }

    /**
     * Format of encoded bytes by magic number.
     *
     * @throws BadInputException for empty input or anything that is neither PNG nor JPEG
     */
    public static Format sniff(byte[] bytes) throws BadInputException {
        if (bytes.length == 0) {
            throw new BadInputException("empty file (0 bytes)");
        }
        if (startsWith(bytes, PNG_MAGIC)) {
            return Format.PNG;
        }
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8 && (bytes[2] & 0xFF) == 0xFF) {
            return Format.JPEG;
        }
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            head.append(String.format("%02x", bytes[i] & 0xFF));
        }
        throw new BadInputException("not a PNG or JPEG image (" + bytes.length + " bytes starting 0x" + head + ")");
    }

    /**
     * Decodes an image to 8-bit grey (1 channel) or RGB (3 channels). Palette images become RGB,
     * or grey when every palette entry is grey.
     */
    public static RasterImage decodeImage(byte[] bytes) throws BadInputException {
        return decodeImage(bytes, DEFAULT_MAX_DECODED_BYTES);
    }

    /** {@link #decodeImage(byte[])}, refusing images whose decoded raster exceeds {@code maxDecodedBytes}. */
    public static RasterImage decodeImage(byte[] bytes, long maxDecodedBytes) throws BadInputException {
        BufferedImage img = read(bytes, maxDecodedBytes);
        int w = img.getWidth();
        int h = img.getHeight();
        Raster raster = img.getRaster();
        ColorModel cm = img.getColorModel();
        if (cm instanceof IndexColorModel icm) {
            return expandPalette(icm, raster, w, h);
        }
        int channels = checkComponents(cm, raster.getSampleModel());
        return new RasterImage(w, h, channels, interleavedBytes(raster, w, h, channels));
    }

    /**
     * Decodes and validates an image exactly as {@link #decodeImage} does, but does not copy the
     * pixels out of the decoder's raster into RGB order when they are not palette indices: for
     * callers that keep the encoded bytes and only need to know the image is valid.
     */
    public static ImageInfo checkImage(byte[] bytes) throws BadInputException {
        return checkImage(bytes, DEFAULT_MAX_DECODED_BYTES);
    }

    /** {@link #checkImage(byte[])}, refusing images whose decoded raster exceeds {@code maxDecodedBytes}. */
    public static ImageInfo checkImage(byte[] bytes, long maxDecodedBytes) throws BadInputException {
        BufferedImage img = read(bytes, maxDecodedBytes);
        if (img.getColorModel() instanceof IndexColorModel icm) {
            // Palette indices are checked against the palette while expanding it.
            return expandPalette(icm, img.getRaster(), img.getWidth(), img.getHeight()).info();
        }
        int channels = checkComponents(img.getColorModel(), img.getRaster().getSampleModel());
        return new ImageInfo(img.getWidth(), img.getHeight(), channels);
    }

    /** Decodes a label image keeping what its values mean: grey values, palette indices, or RGB colours. */
    public static LabelRaster decodeLabel(byte[] bytes) throws BadInputException {
        return decodeLabel(bytes, DEFAULT_MAX_DECODED_BYTES);
    }

    /** {@link #decodeLabel(byte[])}, refusing labels whose decoded raster exceeds {@code maxDecodedBytes}. */
    public static LabelRaster decodeLabel(byte[] bytes, long maxDecodedBytes) throws BadInputException {
        BufferedImage img = read(bytes, maxDecodedBytes);
        int w = img.getWidth();
        int h = img.getHeight();
        Raster raster = img.getRaster();
        ColorModel cm = img.getColorModel();
        if (cm instanceof IndexColorModel icm) {
            int[] palette = new int[icm.getMapSize()];
            icm.getRGBs(palette);
            for (int i = 0; i < palette.length; i++) {
                palette[i] &= 0xFFFFFF;
            }
            return new LabelRaster(w, h, LabelRaster.Kind.PALETTE, samplesAsBytes(raster, w, h), palette);
        }
        int channels = checkComponents(cm, raster.getSampleModel());
        byte[] data = interleavedBytes(raster, w, h, channels);
        return new LabelRaster(w, h, channels == 1 ? LabelRaster.Kind.GREY : LabelRaster.Kind.RGB, data, null);
    }

    /** Encodes 8-bit grey or RGB pixels as PNG (lossless). */
    public static byte[] encodePng(RasterImage image) {
        int w = image.width();
        int h = image.height();
        BufferedImage img;
        if (image.channels() == 1) {
            img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            System.arraycopy(image.pixels(), 0, dst, 0, dst.length);
        } else {
            img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
            byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            byte[] src = image.pixels();
            for (int i = 0; i < src.length; i += 3) {
                dst[i] = src[i + 2];
                dst[i + 1] = src[i + 1];
                dst[i + 2] = src[i];
            }
        }
        return writePng(img);
    }

    /** Encodes one byte per pixel (e.g. class ids) as an 8-bit single-channel PNG. */
    public static byte[] encodeGreyPng(int width, int height, byte[] values) {
        return encodePng(new RasterImage(width, height, 1, values));
    }

    /**
     * Encodes one byte per pixel as an 8-bit indexed (palette) PNG: each pixel stores its value, e.g.
     * a class id, and the PNG's palette (PLTE) gives value {@code i} the colour {@code palette[i]}
     * (packed {@code 0xRRGGBB}). Viewers show the colours; programs read the values: ImageIO
     * returns an {@link IndexColorModel} image whose raster holds them (its reader pads the palette
     * to 256 entries), {@link #decodeLabel} a {@link LabelRaster.Kind#PALETTE} label, PIL an image in
     * mode {@code "P"}. The palette is written as given, {@code palette.length} entries without
     * transparency, even when it is a grey ramp, which ImageIO would otherwise store as a grey PNG.
     *
     * @param values  {@code width * height} values, row-major, each below {@code palette.length}
     * @param palette 1 to 256 colours, entry {@code i} for value {@code i}
     * @throws IllegalArgumentException when the sizes do not fit or a value has no palette entry
     */
    public static byte[] encodeIndexedPng(int width, int height, byte[] values, int[] palette) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, found " + width + "x" + height);
        }
        if (values.length != (long) width * height) {
            throw new IllegalArgumentException("values has " + values.length + " entries, expected " + width + "x" + height);
        }
        if (palette.length < 1 || palette.length > 256) {
            throw new IllegalArgumentException("palette must have 1 to 256 entries, found " + palette.length);
        }
        for (int i = 0; i < values.length; i++) {
            if ((values[i] & 0xFF) >= palette.length) {
                throw new IllegalArgumentException("value " + (values[i] & 0xFF) + " at (x=" + i % width + ", y=" + i / width
                        + ") has no entry in the " + palette.length + "-entry palette");
            }
        }
        byte[] r = new byte[palette.length];
        byte[] g = new byte[palette.length];
        byte[] b = new byte[palette.length];
        for (int i = 0; i < palette.length; i++) {
            r[i] = (byte) (palette[i] >> 16);
            g[i] = (byte) (palette[i] >> 8);
            b[i] = (byte) palette[i];
        }
        IndexColorModel icm = new IndexColorModel(8, palette.length, r, g, b);
        WritableRaster raster = Raster.createInterleavedRaster(new DataBufferByte(values, values.length),
                width, height, width, 1, new int[] {0}, null);
        return writePng(new BufferedImage(icm, raster, false, null), true);
    }

    private static byte[] writePng(BufferedImage img) {
        return writePng(img, false);
    }

    /** PNG bytes of {@code img}; {@code palette}: an indexed image, whose IHDR is forced to colour type Palette. */
    private static byte[] writePng(BufferedImage img, boolean palette) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(img.getWidth() * img.getHeight() / 2 + 1024);
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            IIOMetadata metadata = palette ? paletteMetadata(writer, img) : null;
            writer.write(null, new IIOImage(img, null, metadata), null);
        } catch (IOException e) {
            // Writing to memory cannot fail for I/O reasons; anything here is a JDK defect.
            throw new UncheckedIOException("PNG encoding failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * PNG metadata saying "8-bit palette image". Without it ImageIO's PNG writer stores an indexed
     * image whose palette happens to be a grey ramp (entry i = (i, i, i)) as a grey PNG.
     */
    private static IIOMetadata paletteMetadata(ImageWriter writer, BufferedImage img) throws IIOInvalidTreeException {
        IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(img), null);
        String format = "javax_imageio_png_1.0";
        IIOMetadataNode ihdr = new IIOMetadataNode("IHDR");
        ihdr.setAttribute("width", String.valueOf(img.getWidth()));
        ihdr.setAttribute("height", String.valueOf(img.getHeight()));
        ihdr.setAttribute("bitDepth", "8");
        ihdr.setAttribute("colorType", "Palette");
        ihdr.setAttribute("compressionMethod", "deflate");
        ihdr.setAttribute("filterMethod", "adaptive");
        ihdr.setAttribute("interlaceMethod", "none");
        IIOMetadataNode root = new IIOMetadataNode(format);
        root.appendChild(ihdr);
        metadata.mergeTree(format, root);
        return metadata;
    }

    private static BufferedImage read(byte[] bytes, long maxDecodedBytes) throws BadInputException {
        Format format = sniff(bytes);
        ImageReader reader;
        try {
            reader = (format == Format.PNG ? PNG_READER : JPEG_READER).createReaderInstance();
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the ImageIO " + format + " reader", e);
        }
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            checkHeader(format, reader, bytes, maxDecodedBytes);
            BufferedImage img = decodePixels(reader);
            if (!warnings.isEmpty()) {
                throw new BadInputException("corrupt " + format + ": " + warnings.get(0));
            }
            return img;
        } catch (IOException e) {
            throw new BadInputException("corrupt " + format + ": " + Errors.messageWithCauses(e), e);
        } catch (RuntimeException e) {
            // ImageIO's decoders throw assorted runtime exceptions on malformed data (array bounds,
            // negative sizes); for us these are bad files, kept with their cause.
            throw new BadInputException("corrupt " + format + ": " + Errors.messageWithCauses(e), e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Refuses, from the header alone and before any pixel is decoded: a decoded raster above
     * {@code maxDecodedBytes}, CMYK and YCCK JPEG, unsupported depth, alpha or channel count
     * ({@link #checkComponents} on the image type the decoder would produce), and EXIF orientation.
     */
    private static void checkHeader(Format format, ImageReader reader, byte[] bytes, long maxDecodedBytes)
            throws IOException, BadInputException {
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        if (!types.hasNext()) {
            throw new BadInputException(format + " of a kind ImageIO cannot decode (it offers no image type)");
        }
        ImageTypeSpecifier type = types.next();
        int bands = type.getNumBands();
        int bits = 0;
        for (int b = 0; b < bands; b++) {
            bits = Math.max(bits, type.getBitsPerBand(b));
        }
        long decoded = saturatedProduct(w, h, bands, (bits + 7) / 8);
        if (decoded > maxDecodedBytes) {
            throw new BadInputException(format + " header says " + w + "x" + h + " with " + bands + " channel"
                    + (bands == 1 ? "" : "s") + " of " + bits + " bits: " + decoded + " bytes decoded, above maxDecodedBytes "
                    + maxDecodedBytes);
        }
        HeaderScan scan = HeaderScan.of(format, bytes);
        ColorModel cm = type.getColorModel();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_CMYK) {
            throw new BadInputException((scan.adobeTransform() == HeaderScan.ADOBE_YCCK ? "YCCK" : "CMYK")
                    + " JPEG (4 channels) is not supported (only 8-bit grey, RGB or palette): convert it to RGB");
        }
        if (!(cm instanceof IndexColorModel)) {
            checkComponents(cm, type.getSampleModel());
        }
        if (scan.reoriented()) {
            throw new BadInputException("EXIF orientation " + scan.orientation() + " (viewers show it "
                    + HeaderScan.describe(scan.orientation()) + ") is not applied: the label may follow the stored or"
                    + " the displayed pixels; store the pixels upright (e.g. exiftran -ai) or remove the tag");
        }
    }

    /**
     * The decoder's {@code read(0)}. The PNG reader wraps any Throwable, an OutOfMemoryError too, in
     * an IIOException ("Caught exception during read"); such an error is thrown as itself, so that
     * callers learn the heap ran out instead of reading the file as corrupt.
     */
    private static BufferedImage decodePixels(ImageReader reader) throws IOException {
        try {
            return reader.read(0);
        } catch (IOException e) {
            for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
                if (t instanceof OutOfMemoryError oom) {
                    throw oom;
                }
            }
            throw e;
        }
    }

    /** {@code a * b * c * d}, or Long.MAX_VALUE when that overflows (a header may claim 2^31 x 2^31). */
    private static long saturatedProduct(long a, long b, long c, long d) {
        try {
            return Math.multiplyExact(Math.multiplyExact(Math.multiplyExact(a, b), c), d);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Channel count of a non-indexed 8-bit grey or RGB image, or the reason it is not one. */
    private static int checkComponents(ColorModel cm, SampleModel sm) throws BadInputException {
        int bands = sm.getNumBands();
        for (int b = 0; b < bands; b++) {
            int bits = sm.getSampleSize(b);
            if (bits != 8) {
                throw new BadInputException(bits + "-bit samples are not supported (only 8-bit grey, RGB or palette)");
            }
        }
        if (cm.hasAlpha()) {
            throw new BadInputException((bands == 2 ? "grey+alpha" : "RGBA") + " (" + bands
                    + " channels) is not supported: an alpha channel is not image data (only 8-bit grey, RGB or palette)");
        }
        int type = cm.getColorSpace().getType();
        if (bands == 1 && type == ColorSpace.TYPE_GRAY) {
            return 1;
        }
        if (bands == 3 && type == ColorSpace.TYPE_RGB) {
            return 3;
        }
        throw new BadInputException(bands + "-channel images are not supported (only 8-bit grey, RGB or palette)");
    }

    private static byte[] interleavedBytes(Raster raster, int w, int h, int channels) {
        byte[] out = new byte[w * h * channels];
        if (raster.getDataBuffer() instanceof DataBufferByte buf && buf.getNumBanks() == 1
                && raster.getSampleModel() instanceof ComponentSampleModel sm
                && sm.getPixelStride() == channels && sm.getScanlineStride() == w * channels
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0) {
            // Fast path: one interleaved byte buffer; only the band order may differ (BGR).
            byte[] src = buf.getData();
            int base = buf.getOffset();
            int[] offsets = sm.getBandOffsets();
            if (channels == 1) {
                System.arraycopy(src, base + offsets[0], out, 0, out.length);
            } else {
                int r = base + offsets[0];
                int g = base + offsets[1];
                int b = base + offsets[2];
                for (int i = 0; i < out.length; i += 3) {
                    out[i] = src[r + i];
                    out[i + 1] = src[g + i];
                    out[i + 2] = src[b + i];
                }
            }
            return out;
        }
        int[] row = new int[w * channels];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int i = 0; i < row.length; i++) {
                out[y * row.length + i] = (byte) row[i];
            }
        }
        return out;
    }

    private static byte[] samplesAsBytes(Raster raster, int w, int h) {
        byte[] out = new byte[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                out[y * w + x] = (byte) row[x];
            }
        }
        return out;
    }

    private static RasterImage expandPalette(IndexColorModel icm, Raster raster, int w, int h) throws BadInputException {
        if (icm.hasAlpha() && icm.getTransparency() == java.awt.Transparency.TRANSLUCENT) {
            throw new BadInputException("palette with translucent entries is not supported (alpha is not image data)");
        }
        int size = icm.getMapSize();
        byte[] r = new byte[size];
        byte[] g = new byte[size];
        byte[] b = new byte[size];
        icm.getReds(r);
        icm.getGreens(g);
        icm.getBlues(b);
        boolean grey = true;
        for (int i = 0; i < size && grey; i++) {
            grey = r[i] == g[i] && g[i] == b[i];
        }
        byte[] index = samplesAsBytes(raster, w, h);
        int channels = grey ? 1 : 3;
        byte[] out = new byte[w * h * channels];
        for (int i = 0; i < index.length; i++) {
            int k = index[i] & 0xFF;
            if (k >= size) {
                throw new BadInputException("palette index " + k + " outside the " + size + "-entry palette");
            }
            if (grey) {
                out[i] = r[k];
            } else {
                out[3 * i] = r[k];
                out[3 * i + 1] = g[k];
                out[3 * i + 2] = b[k];
            }
        }
        return new RasterImage(w, h, channels, out);
    }

    private static ImageReaderSpi readerSpi(String format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new IllegalStateException("no ImageIO reader for " + format + " in this JRE");
        }
        return readers.next().getOriginatingProvider();
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
