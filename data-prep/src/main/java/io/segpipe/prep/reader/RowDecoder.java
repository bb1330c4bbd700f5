package io.segpipe.prep.reader;

import io.segpipe.prep.codec.BadInputException;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.codec.LabelRaster;
import io.segpipe.prep.codec.RasterImage;
import io.segpipe.prep.schema.ShardSchema;
import org.apache.spark.sql.Row;

import java.io.Serializable;
import java.util.Iterator;

/**
 * Turns shard rows into {@link TensorSample}s. Serializable and stateless, for use inside
 * {@code mapPartitions} on executors; {@link #decode(Iterator)} is lazy, so a partition is never
 * held in memory as a whole.
 */
public final class RowDecoder implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Normalization normalization;
    private final int numClasses;
    private final Integer ignoreLabel;
    private final boolean keepPixels;

    /**
     * @param normalization pixel normalisation
     * @param numClasses    class count; label values must be below it or equal the ignore label
     * @param ignoreLabel   the ignore label, or null
     */
    public RowDecoder(Normalization normalization, int numClasses, Integer ignoreLabel) {
        this(normalization, numClasses, ignoreLabel, false);
    }

    private RowDecoder(Normalization normalization, int numClasses, Integer ignoreLabel, boolean keepPixels) {
        this.normalization = normalization;
        this.numClasses = numClasses;
        this.ignoreLabel = ignoreLabel;
        this.keepPixels = keepPixels;
    }

    /**
     * A decoder whose samples also carry the decoded 8-bit image ({@link TensorSample#pixels()}), for
     * post-processing that compares the original colours (the dense CRF). Costs one byte per sample
     * value on top of the four of the normalised floats.
     */
    public RowDecoder keepingPixels() {
        return new RowDecoder(normalization, numClasses, ignoreLabel, true);
    }

    /** Lazily decodes every row of a partition. */
    public Iterator<TensorSample> decode(Iterator<Row> rows) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public TensorSample next() {
                return decode(rows.next());
            }
        };
    }

    /**
     * Decodes one row.
     *
     * @throws IllegalStateException naming the sample id when the stored bytes do not decode or do
     *                               not match the row's size columns (a damaged dataset)
     */
    public TensorSample decode(Row row) {
        String id = row.getString(row.fieldIndex(ShardSchema.ID));
        int height = row.getInt(row.fieldIndex(ShardSchema.HEIGHT));
        int width = row.getInt(row.fieldIndex(ShardSchema.WIDTH));
        int channels = row.getInt(row.fieldIndex(ShardSchema.CHANNELS));
        RasterImage image;
        LabelRaster label;
        try {
            // The row's size columns bound the decode: stored bytes whose header claims more are refused unread.
            image = ImageCodec.decodeImage((byte[]) row.get(row.fieldIndex(ShardSchema.IMAGE)),
                    decodedBound(width, height, channels));
            label = ImageCodec.decodeLabel((byte[]) row.get(row.fieldIndex(ShardSchema.LABEL)), decodedBound(width, height, 1));
        } catch (BadInputException e) {
            throw new IllegalStateException("sample " + id + ": stored bytes do not decode as the row's " + width + "x" + height
                    + "x" + channels + ": " + e.reason(), e);
        }
        if (image.width() != width || image.height() != height || image.channels() != channels
                || label.width() != width || label.height() != height || label.kind() != LabelRaster.Kind.GREY) {
            throw new IllegalStateException("sample " + id + ": row says " + width + "x" + height + "x" + channels
                    + " but image decodes to " + image.size() + "x" + image.channels() + " and label to " + label.size()
                    + " " + label.kind());
        }
        int plane = width * height;
        float[] chw = normalization.planar(image);
        byte[] lab = label.data();
        int[] ids = new int[plane];
        for (int i = 0; i < plane; i++) {
            int v = lab[i] & 0xFF;
            if (v >= numClasses && (ignoreLabel == null || v != ignoreLabel)) {
                throw new IllegalStateException("sample " + id + ": label value " + v + " at (x=" + i % width + ", y="
                        + i / width + ") is neither a class id below " + numClasses + " nor the ignore label " + ignoreLabel);
            }
            ids[i] = v;
        }
        String split = row.schema().getFieldIndex(ShardSchema.SPLIT).isDefined()
                ? row.getString(row.fieldIndex(ShardSchema.SPLIT)) : null;
        return new TensorSample(id, split, channels, height, width, chw, ids, keepPixels ? image.pixels() : null);
    }

    /**
     * Decoded bytes a stored image of the row's size may take: prep stores 8-bit samples, and a
     * palette image's raster (one index per pixel) is smaller than its RGB expansion.
     */
    private static long decodedBound(int width, int height, int channels) {
        long bytes = (long) Math.max(width, 0) * Math.max(height, 0) * Math.max(channels, 0);
        return Math.min(bytes, ImageCodec.MAX_DECODED_BYTES_LIMIT);
    }
}
