package io.segpipe.jobs.train;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.segpipe.jobs.model.EpochMetrics;
import io.segpipe.prep.Json;
import io.segpipe.prep.fs.AtomicFs;
import io.segpipe.prep.fs.HadoopFiles;

/**
 * The live view of a training run: {@value #FILE} next to the checkpoints, one JSON object per
 * line, readable while the run trains ({@code tail -f}, a notebook, {@code jq}):
 *
 * <pre>
 * {"kind":"progress","epoch":3,"epochs":60,"minibatches":40,"minibatchesTotal":92,"loss":0.8123,"imagesPerSecond":9.31,...}
 * {"kind":"epoch","epoch":3,"epochs":60,"loss":0.7988,"learningRate":0.01,"imagesPerSecond":9.2,"valMeanIoU":0.41,...}
 * </pre>
 *
 * A {@code progress} line comes with every progress line the log gets inside an epoch
 * ({@link EpochProgress}), an {@code epoch} line after each epoch, before its checkpoint is
 * written. Values a run cannot measure (a loss the training master did not report, validation in
 * an epoch without it) are {@code null}, never {@code NaN}, so every line is strict JSON.
 *
 * <p><b>How lines reach the file.</b> Each line is written whole, with one write, and flushed:
 * <ul>
 * <li>on the local file system (the usual place on a driver) by appending to the file itself
 * (no Hadoop checksum file: a reader never sees a checksum disagree with a growing file);</li>
 * <li>on any other Hadoop file system (HDFS, object stores) by rewriting the whole file
 * atomically (temporary sibling, then rename) after each line. Hadoop's {@code append} is not
 * available on every file system (object stores have none, HDFS may have it switched off) and
 * an appended HDFS block is only visible to readers after {@code hflush}; a rewrite works the
 * same everywhere and readers see either the old or the new file. The file is small (a line
 * at most every 10 s inside an epoch, about 250 bytes), so the rewrite stays cheap.</li>
 * </ul>
 *
 * <p><b>Resume.</b> A resumed run continues the same file: lines of epochs after the resumed
 * checkpoint's (the epochs the run trains again) are dropped first, as is a last line cut short by
 * the interruption, so the file holds exactly one {@code epoch} line per epoch. A fresh run starts
 * the file anew. {@code elapsedSeconds} counts on from the last kept epoch line.
 *
 * <p>The file is a view, not a record: a failure to write it is logged (once) and training goes
 * on; the metrics that count are in the checkpoints and the model directory.
 */
final class MetricsLog {
    /** The file's name in the checkpoint directory. */
    static final String FILE = "metrics.jsonl";
    static final String EPOCH = "epoch";
    static final String PROGRESS = "progress";
    private static final Logger LOG = LoggerFactory.getLogger(MetricsLog.class);
    private static final ObjectWriter LINE = Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT);

    /**
     * The line after an epoch.
     *
     * @param kind             always {@value #EPOCH}
     * @param epoch            1-based epoch number
     * @param epochs           epochs the run trains in total
     * @param loss             mean training loss per pixel, null when not reported
     * @param learningRate     learning rate of the epoch
     * @param images           training images of the epoch
     * @param seconds          the epoch's training time
     * @param imagesPerSecond  training throughput
     * @param valMeanIoU       val mIoU, null without validation in this epoch
     * @param valPixelAccuracy val pixel accuracy, null without validation in this epoch
     * @param bestEpoch        the epoch of the best val mIoU so far, null before any validation
     * @param bestValMeanIoU   the best val mIoU so far, null before any validation
     * @param elapsedSeconds   seconds since the run started (across resumes: see the class notes)
     * @param time             when the line was written (ISO-8601 UTC)
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record EpochLine(String kind, int epoch, int epochs, Double loss, double learningRate, long images, double seconds,
                     Double imagesPerSecond, Double valMeanIoU, Double valPixelAccuracy, Integer bestEpoch,
                     Double bestValMeanIoU, double elapsedSeconds, String time) {
    }

    /**
     * A line inside an epoch.
     *
     * @param kind             always {@value #PROGRESS}
     * @param epoch            1-based number of the epoch in training
     * @param epochs           epochs the run trains in total
     * @param minibatches      minibatches the workers finished in this epoch so far
     * @param minibatchesTotal minibatches the epoch is expected to have
     * @param loss             running mean training loss per pixel of the epoch, null before any minibatch
     * @param imagesPerSecond  the epoch's throughput so far
     * @param elapsedSeconds   seconds since the run started
     * @param time             when the line was written (ISO-8601 UTC)
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ProgressLine(String kind, int epoch, int epochs, long minibatches, long minibatchesTotal, Double loss,
                        Double imagesPerSecond, double elapsedSeconds, String time) {
    }

    private final FileSystem fs;
    private final Path path;
    /** The local file to append to, or null to rewrite {@link #path} through Hadoop. */
    private final File local;
    /** What the file holds, for rewrites. */
    private final StringBuilder content = new StringBuilder();
    private final TimeBudget budget;
    private final double elapsedBefore;
    private boolean failed;

    private MetricsLog(FileSystem fs, Path path, File local, TimeBudget budget, double elapsedBefore) {
        this.fs = fs;
        this.path = path;
        this.local = local;
        this.budget = budget;
        this.elapsedBefore = elapsedBefore;
    }

    /**
     * Opens {@value #FILE} in checkpoint directory {@code dir}: a fresh run ({@code resumedEpoch} 0)
     * starts it empty; a resumed one keeps the lines of epochs up to {@code resumedEpoch}.
     */
    static MetricsLog open(FileSystem fs, Path dir, int resumedEpoch, TimeBudget budget) throws IOException {
        Path path = fs.makeQualified(new Path(dir, FILE));
        File local = fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem
                ? new File(path.toUri()) : null;
        List<String> kept = new ArrayList<>();
        double elapsed = 0;
        if (resumedEpoch > 0 && fs.exists(path)) {
            String old = local != null ? java.nio.file.Files.readString(local.toPath(), StandardCharsets.UTF_8)
                    : HadoopFiles.readString(fs, path);
            for (String line : old.split("\n")) {
                JsonNode node = parse(line);
                if (node != null && node.path(EPOCH).asInt(Integer.MAX_VALUE) <= resumedEpoch) {
                    kept.add(line);
                    if (EPOCH.equals(node.path("kind").asText())) {
                        elapsed = node.path("elapsedSeconds").asDouble(elapsed);
                    }
                }
            }
        }
        MetricsLog log = new MetricsLog(fs, path, local, budget, elapsed);
        kept.forEach(line -> log.content.append(line).append('\n'));
        byte[] bytes = log.content.toString().getBytes(StandardCharsets.UTF_8);
        fs.mkdirs(dir);
        AtomicFs.writeFile(fs, path, true, out -> out.write(bytes));
        if (local != null) { // the rewrite went through Hadoop's local file system, which may leave a checksum
            java.nio.file.Files.deleteIfExists(new File(local.getParentFile(), "." + FILE + ".crc").toPath());
        }
        return log;
    }

    /** The line as JSON, or null when it is not a JSON object (a line cut short). */
    private static JsonNode parse(String line) {
        try {
            JsonNode node = Json.mapper().readTree(line);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    Path path() {
        return path;
    }

    /** Records 1-based epoch {@code m.epoch()} of {@code epochs}, with the best epoch so far (null before any). */
    void epoch(EpochMetrics m, int epochs, EpochMetrics best) {
        write(new EpochLine(EPOCH, m.epoch(), epochs, finite(m.loss()), m.learningRate(), m.images(), m.seconds(),
                finite(m.imagesPerSecond()), m.valMeanIoU(), m.valPixelAccuracy(), best == null ? null : best.epoch(),
                best == null ? null : best.valMeanIoU(), elapsed(), Instant.now().toString()));
    }

    /** Records a reading inside 1-based epoch {@code number}. */
    void progress(int number, int epochs, long minibatches, long minibatchesTotal, double loss, double imagesPerSecond) {
        write(new ProgressLine(PROGRESS, number, epochs, minibatches, minibatchesTotal, finite(loss),
                finite(imagesPerSecond), elapsed(), Instant.now().toString()));
    }

    private double elapsed() {
        return elapsedBefore + budget.elapsedSeconds();
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private synchronized void write(Object record) {
        try {
            String line = LINE.writeValueAsString(record) + "\n";
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            if (local != null) {
                try (OutputStream out = new FileOutputStream(local, true)) {
                    out.write(bytes); // one write of a whole line with O_APPEND
                    out.flush();
                }
            } else {
                content.append(line);
                byte[] all = content.toString().getBytes(StandardCharsets.UTF_8);
                AtomicFs.writeFile(fs, path, true, out -> out.write(all));
            }
        } catch (IOException | RuntimeException e) {
            if (!failed) {
                failed = true;
                LOG.warn("Cannot write {} (training goes on; further failures are not logged): {}", path, e.toString());
            }
        }
    }
}
