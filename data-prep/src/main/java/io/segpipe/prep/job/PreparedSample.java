package io.segpipe.prep.job;

import io.segpipe.prep.schema.ShardSchema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static io.segpipe.prep.schema.ShardSchema.index;

/** One valid sample, ready to become a shard row. */
record PreparedSample(String id, String split, byte[] image, byte[] label, int height, int width, int channels,
                      long[] classPixels, String imagePath, String labelPath) {

    /** SHA-256 hex of the stored image bytes then the stored label bytes, each preceded by its length. */
    static String contentHash(byte[] image, byte[] label) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(ByteBuffer.allocate(8).putLong(image.length).array());
            d.update(image);
            d.update(ByteBuffer.allocate(8).putLong(label.length).array());
            d.update(label);
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
    }

    /** The row in {@link ShardSchema#SCHEMA} column order; the writer turns {@code split} into the directory. */
    Row toRow() {
        List<Long> pixels = new ArrayList<>(classPixels.length);
        for (long p : classPixels) {
            pixels.add(p);
        }
        Object[] values = new Object[ShardSchema.SCHEMA.size()];
        values[index(ShardSchema.ID)] = id;
        values[index(ShardSchema.IMAGE)] = image;
        values[index(ShardSchema.LABEL)] = label;
        values[index(ShardSchema.HEIGHT)] = height;
        values[index(ShardSchema.WIDTH)] = width;
        values[index(ShardSchema.CHANNELS)] = channels;
        // Spark's Row encoder takes a Scala Seq for array columns.
        values[index(ShardSchema.CLASS_PIXELS)] = scala.collection.JavaConverters.asScalaBuffer(pixels).toList();
        values[index(ShardSchema.IMAGE_PATH)] = imagePath;
        values[index(ShardSchema.LABEL_PATH)] = labelPath;
        values[index(ShardSchema.CONTENT_HASH)] = contentHash(image, label);
        values[index(ShardSchema.SPLIT)] = split;
        return RowFactory.create(values);
    }
}
