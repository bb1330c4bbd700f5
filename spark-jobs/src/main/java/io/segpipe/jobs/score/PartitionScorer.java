package io.segpipe.jobs.score;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;

import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;

import io.segpipe.jobs.data.Decoding;
import io.segpipe.jobs.infer.BadImage;
import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.infer.InputChecks;
import io.segpipe.jobs.infer.LabelColours;
import io.segpipe.jobs.infer.ModelBroadcast;
import io.segpipe.jobs.infer.PartitionInference;
import io.segpipe.jobs.infer.Predictor;
import io.segpipe.prep.codec.BadInputException;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.codec.RasterImage;
import io.segpipe.prep.fs.SerializableHadoopConf;
import io.segpipe.prep.reader.Normalization;
import io.segpipe.prep.reader.TensorSample;
import io.segpipe.prep.schema.ClassTable;

/**
 * What {@link ScoreJob} does with one partition of input rows (executor side; serializable,
 * shipped with every task): decode each image from its bytes or its file (a corrupt image, or one
 * with another channel count than the model's, is listed as bad), predict ({@link PartitionInference}
 * with confidences) and write one Parquet file ({@link PartWriter}) and, optionally, one mask per
 * image ({@link MaskWriter}), whose name the image's row records.
 */
final class PartitionScorer implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ModelBroadcast model;
    private final InferenceConfig inference;
    private final double inputScale;
    private final Normalization normalization;
    private final LabelColours colours;
    private final int numClasses;
    private final SerializableHadoopConf conf;
    private final String output;
    private final String masks;
    private final String runId;
    private final int threads;
    private final int maxBadListed;

    /**
     * @param config the configuration with its settings resolved ({@link ScoreConfig#withSettings})
     * @param output the directory the part files go to (the output itself, or its staged copy)
     * @param masks  the folder the masks go to (the masks folder, or its staged copy), or null
     * @param runId  names this run's files ({@link PartWriter#newRunId()})
     */
    PartitionScorer(ModelBroadcast model, ScoreConfig config, ClassTable classes, SerializableHadoopConf conf,
                    String output, String masks, String runId, int threads) {
        this.model = model;
        this.inference = config.inference();
        this.inputScale = config.inputScale();
        this.normalization = config.normalization();
        this.colours = new LabelColours(classes);
        this.numClasses = classes.numClasses();
        this.conf = conf;
        this.output = output;
        this.masks = masks;
        this.runId = runId;
        this.threads = threads;
        this.maxBadListed = config.maxBadListed();
    }

    Iterator<ScoreSummary> score(Integer partition, Iterator<Row> rows) throws IOException {
        ScoreSummary summary = new ScoreSummary(maxBadListed);
        if (!rows.hasNext()) {
            return List.of(summary).iterator();
        }
        try (ModelBroadcast.Lease lease = model.lease(threads);
             PartWriter part = PartWriter.open(new Path(output), runId, partition, conf.get(), numClasses)) {
            MaskWriter maskWriter = masks == null ? null : MaskWriter.open(masks, conf.get(), colours);
            PartitionInference<TensorSample> loop = PartitionInference.ofSamples(
                    new Predictor(lease.segmenter(), inference, inputScale), true);
            loop.run(Decoding.skippingBad(rows, row -> decode(row, summary)), (image, prediction) -> {
                String maskFile = maskWriter == null ? null : maskWriter.write(image.id(), prediction);
                part.write(image.id(), maskFile, prediction);
            });
            summary.scored = loop.images();
            summary.inferenceNanos = loop.inferenceNanos();
            summary.files = part.commit() == null ? 0 : 1;
        }
        return List.of(summary).iterator();
    }

    /** The image of {@code row}, unlabelled, or null when it is unusable (recorded in {@code summary}). */
    private TensorSample decode(Row row, ScoreSummary summary) {
        String id = row.getString(row.fieldIndex(ScoreInput.ID));
        String path = row.getString(row.fieldIndex(ScoreInput.PATH));
        try {
            int image = row.fieldIndex(ScoreInput.IMAGE);
            byte[] bytes = row.isNullAt(image) ? read(path) : (byte[]) row.get(image);
            RasterImage raster = ImageCodec.decodeImage(bytes);
            String mismatch = InputChecks.channelMismatch(raster.channels(), model.spec());
            if (mismatch != null) {
                summary.addBad(new BadImage(id, mismatch));
                return null;
            }
            return new TensorSample(id, null, raster.channels(), raster.height(), raster.width(),
                    normalization.planar(raster), null);
        } catch (BadInputException e) {
            summary.addBad(new BadImage(id, e.reason()));
        } catch (FileNotFoundException e) {
            summary.addBad(new BadImage(id, "file vanished before it was read: " + e.getMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        return null;
    }

    private byte[] read(String path) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf.get());
        // Images are the user's files, without Hadoop's local checksum files; and the checksum file
        // system cannot open a name with a colon (10:00:01.png): it parses ".<name>.crc" as a path.
        if (fs instanceof ChecksumFileSystem checked) {
            fs = checked.getRawFileSystem();
        }
        try (InputStream in = fs.open(p)) {
            return in.readAllBytes();
        }
    }
}
