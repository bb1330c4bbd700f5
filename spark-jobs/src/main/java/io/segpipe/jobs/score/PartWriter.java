package io.segpipe.jobs.score;

import java.io.Closeable;
import java.io.IOException;
import java.util.Date;
import java.util.Locale;
import java.util.UUID;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.jobs.infer.ImagePrediction;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.fs.AtomicFs;

/**
 * Writes the predictions of one scoring task as one Parquet file ({@link ScoreSchema}) with
 * parquet-hadoop, named {@code part-<run>-<partition>.parquet} so runs never overwrite each other.
 * The file is started at the first row under a hidden temporary name and renamed into place by
 * {@link #commit}; {@link #close} without a commit deletes it, so a failed task attempt leaves no
 * file that readers (or a resumed run) would take, and a retried one replaces an earlier attempt's
 * file. A task without a usable image writes no file.
 */
final class PartWriter implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(PartWriter.class);

    private final Path target;
    private final Path tmp;
    private final Configuration conf;
    private final FileSystem fs;
    private final int numClasses;
    private final MessageType schema = ScoreSchema.parquet();
    private final SimpleGroupFactory rows = new SimpleGroupFactory(schema);
    private ParquetWriter<Group> writer;
    private boolean committed;

    private PartWriter(Path target, Configuration conf, int numClasses) throws IOException {
        this.target = target;
        this.tmp = AtomicFs.tempSibling(target);
        this.conf = conf;
        this.fs = target.getFileSystem(conf);
        this.numClasses = numClasses;
    }

    /** A run's id: its start time and a random suffix, e.g. {@code 20240131120000-1a2b3c4d}. */
    static String newRunId() {
        return String.format(Locale.ROOT, "%tY%<tm%<td%<tH%<tM%<tS-%s", new Date(),
                UUID.randomUUID().toString().substring(0, 8));
    }

    /** The writer of partition {@code partition} of run {@code runId} into {@code output}. */
    static PartWriter open(Path output, String runId, int partition, Configuration conf, int numClasses)
            throws IOException {
        Path target = new Path(output, String.format(Locale.ROOT, "part-%s-%05d.parquet", runId, partition));
        return new PartWriter(target, conf, numClasses);
    }

    /** One output row without a mask: the label map as PNG, the share of each class, the confidence. */
    void write(String id, ImagePrediction prediction) throws IOException {
        write(id, null, prediction);
    }

    /**
     * One output row: the label map as PNG, the share of each class, the confidence and the mask's
     * file name.
     *
     * @param maskFile the name of the image's mask inside the masks folder, or null when there is none
     */
    void write(String id, String maskFile, ImagePrediction prediction) throws IOException {
        int pixels = prediction.pixels();
        byte[] labels = new byte[pixels];
        long[] counts = new long[numClasses];
        for (int i = 0; i < pixels; i++) {
            int label = prediction.label(i);
            labels[i] = (byte) label;
            counts[label]++;
        }
        Group row = rows.newGroup()
                .append(ScoreSchema.ID, id)
                .append(ScoreSchema.PREDICTION, Binary.fromConstantByteArray(
                        ImageCodec.encodeGreyPng(prediction.width(), prediction.height(), labels)))
                .append(ScoreSchema.HEIGHT, prediction.height())
                .append(ScoreSchema.WIDTH, prediction.width());
        Group fractions = row.addGroup(ScoreSchema.CLASS_FRACTIONS);
        for (long count : counts) {
            fractions.addGroup("list").append("element", (double) count / pixels);
        }
        row.append(ScoreSchema.CONFIDENCE, prediction.confidence());
        if (maskFile != null) {
            row.append(ScoreSchema.MASK_FILE, maskFile);
        }
        writer().write(row);
    }

    private ParquetWriter<Group> writer() throws IOException {
        if (writer == null) {
            writer = ExampleParquetWriter.builder(tmp).withConf(conf).withType(schema)
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .withWriteMode(ParquetFileWriter.Mode.CREATE).build();
        }
        return writer;
    }

    /**
     * Completes the file and moves it to its final name (replacing an earlier attempt's).
     *
     * @return the file's name, or null when no row was written (and there is no file)
     */
    String commit() throws IOException {
        if (writer == null) {
            committed = true;
            return null;
        }
        ParquetWriter<Group> complete = writer;
        writer = null; // closed once, even when closing fails
        complete.close();
        AtomicFs.publishFile(fs, tmp, target);
        committed = true;
        return target.getName();
    }

    @Override
    public void close() {
        if (committed) {
            return;
        }
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("closing the Parquet writer of {} after a failure: {}", tmp, e.toString());
            }
        }
        AtomicFs.deleteAfterFailure(fs, tmp);
    }
}
