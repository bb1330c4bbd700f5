package io.segpipe.prep.job;

import io.segpipe.prep.fs.AtomicFs;
import io.segpipe.prep.schema.ShardFile;
import io.segpipe.prep.schema.ShardSchema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Binary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.util.Locale;

/**
 * Writes one shard, the samples of one prep task, as one Parquet file ({@link ShardSchema#PARQUET})
 * with parquet-hadoop. The file is written under a hidden temporary name and renamed into place by
 * {@link #commit}; {@link #close} without a commit deletes it, so a failed task attempt leaves no
 * file that readers would take, and a retried one replaces an earlier attempt's file. The commit
 * returns the shard's manifest entry: rows, length and the CRC32C of the bytes as they were written.
 *
 * <p>Writing Parquet directly instead of through a Spark SQL {@code DataFrameWriter} skips the
 * conversion of every row to Spark's internal format and the three copies of each image it makes
 * on the way to the writer, plus the query planning and commit protocol of a SQL write job.
 */
final class ShardWriter implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardWriter.class);

    private final FileSystem fs;
    private final Path target;
    private final Path tmp;
    private final ChecksummingOutputFile file;
    private final ParquetWriter<Group> writer;
    private final SimpleGroupFactory rows = new SimpleGroupFactory(ShardSchema.PARQUET);
    private long rowCount;
    private boolean committed;

    private ShardWriter(FileSystem fs, Path target, Path tmp, ChecksummingOutputFile file, ParquetWriter<Group> writer) {
        this.fs = fs;
        this.target = target;
        this.tmp = tmp;
        this.file = file;
        this.writer = writer;
    }

    /** The file of shard {@code index} of {@code split} under the dataset's data directory. */
    static Path shardPath(Path dataDir, String split, int index) {
        return new Path(new Path(dataDir, ShardSchema.SPLIT + "=" + split), String.format(Locale.ROOT, "part-%05d.parquet", index));
    }

    static ShardWriter open(Path target, Configuration conf, String compression, long rowGroupBytes) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        Path tmp = AtomicFs.tempSibling(target);
        ChecksummingOutputFile file = new ChecksummingOutputFile(HadoopOutputFile.fromPath(tmp, conf));
        ParquetWriter<Group> writer = ExampleParquetWriter.builder(file)
                .withConf(conf)
                .withType(ShardSchema.PARQUET)
                .withCompressionCodec(codec(compression))
                .withRowGroupSize(rowGroupBytes)
                // Dictionary encoding never pays for unique image/label bytes, but trying costs a hash of each.
                .withDictionaryEncoding(true)
                .withDictionaryEncoding(ShardSchema.IMAGE, false)
                .withDictionaryEncoding(ShardSchema.LABEL, false)
                .withWriteMode(ParquetFileWriter.Mode.CREATE)
                .build();
        return new ShardWriter(fs, target, tmp, file, writer);
    }

    /** Parquet's codec for a {@link PrepConfig#compression()} name. */
    static CompressionCodecName codec(String compression) {
        return "none".equals(compression) ? CompressionCodecName.UNCOMPRESSED
                : CompressionCodecName.valueOf(compression.toUpperCase(Locale.ROOT));
    }

    void write(PreparedSample s) throws IOException {
        Group row = rows.newGroup()
                .append(ShardSchema.ID, s.id())
                .append(ShardSchema.IMAGE, Binary.fromConstantByteArray(s.image()))
                .append(ShardSchema.LABEL, Binary.fromConstantByteArray(s.label()))
                .append(ShardSchema.HEIGHT, s.height())
                .append(ShardSchema.WIDTH, s.width())
                .append(ShardSchema.CHANNELS, s.channels());
        Group pixels = row.addGroup(ShardSchema.CLASS_PIXELS);
        for (long count : s.classPixels()) {
            pixels.addGroup("list").append("element", count);
        }
        row.append(ShardSchema.IMAGE_PATH, s.imagePath())
                .append(ShardSchema.LABEL_PATH, s.labelPath())
                .append(ShardSchema.CONTENT_HASH, PreparedSample.contentHash(s.image(), s.label()));
        writer.write(row);
        rowCount++;
    }

    /** Completes the file, moves it to its final name, and returns its manifest entry. */
    ShardFile commit() throws IOException {
        writer.close();
        AtomicFs.publishFile(fs, tmp, target);
        committed = true;
        return new ShardFile(target.getName(), rowCount, file.bytes(), ShardFile.hex(file.crc()));
    }

    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            writer.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("closing the Parquet writer of {} after a failure: {}", tmp, e.toString());
        }
        AtomicFs.deleteAfterFailure(fs, tmp);
    }
}
