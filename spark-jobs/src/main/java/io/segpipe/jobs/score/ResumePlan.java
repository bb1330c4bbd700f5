package io.segpipe.jobs.score;

import java.io.IOException;
import java.util.Optional;

import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.jobs.infer.LoadedModel;
import io.segpipe.prep.fs.CompletionMarker;

/**
 * Which images a run still has to score, and in how many partitions. A run resumes when
 * {@code resume} is set and the output exists: the output must hold this model's predictions
 * ({@link ScoreMetadata}), and the ids already in it are removed from the input with an anti-join
 * (reading the id column only). A partition that did not complete left nothing visible, so its
 * images are scored again. An output with a {@link CompletionMarker} was complete for the input of
 * its run and is resumed to score the images added since; one without is what a failed or killed
 * run left. Either way the marker is removed before this run writes ({@link ScoreOutput#begin}) and
 * written again when it completes. Output whose parts lack a column of {@link ScoreSchema} (an
 * earlier format) is not resumed.
 *
 * @param resuming   the run continues an existing output (which then is not started afresh)
 * @param rows       the images to score, rows of {@link ScoreInput#SCHEMA}
 * @param skipped    images left out because the output holds them
 * @param partitions partitions to score in, 0 = as the rows come
 */
record ResumePlan(boolean resuming, Dataset<Row> rows, long skipped, int partitions) {

    private static final Logger LOG = LoggerFactory.getLogger(ResumePlan.class);
    /** With few images left, small partitions keep every task slot busy. */
    private static final long MIN_IMAGES_PER_PARTITION = 16;

    /**
     * @throws IOException when the output to resume is not a scoring output or holds another model's predictions
     */
    static ResumePlan of(ScoreConfig config, ScoreInput input, ScoreOutput output, LoadedModel model, SparkSession spark)
            throws IOException {
        if (!config.resume() || !output.fs().exists(output.dir())) {
            return new ResumePlan(false, input.rows(), 0, input.partitions());
        }
        requireSameModel(output, model);
        if (!hasParquet(output)) {
            return new ResumePlan(true, input.rows(), 0, input.partitions());
        }
        logCompleteness(output);
        Dataset<Row> written = spark.read().parquet(output.dir().toString());
        requireCurrentSchema(output, written);
        Dataset<Row> done = written.select(ScoreSchema.ID);
        Dataset<Row> todo = input.rows().join(done, input.rows().col(ScoreInput.ID).equalTo(done.col(ScoreSchema.ID)),
                "left_anti");
        long remaining = todo.count();
        long skipped = input.images() - remaining;
        LOG.info("Resuming {}: {} of {} images already scored", output.dir(), skipped, input.images());
        int partitions = input.partitions() > 0 ? input.partitions()
                : Math.max(1, (int) Math.min(todo.rdd().getNumPartitions(),
                        Math.max(1, remaining / MIN_IMAGES_PER_PARTITION)));
        return new ResumePlan(true, todo, skipped, partitions);
    }

    private static void requireSameModel(ScoreOutput output, LoadedModel model) throws IOException {
        ScoreMetadata meta = ScoreMetadata.read(output.fs(), output.dir());
        if (meta == null) {
            if (output.fs().listStatus(output.dir()).length == 0) {
                return;
            }
            throw new IOException("cannot resume " + output.dir() + ": it is not a segpipe scoring output (no "
                    + ScoreMetadata.FILE_NAME + ")");
        }
        if (!meta.model().equals(model.path()) || meta.numClasses() != model.spec().numClasses()) {
            throw new IOException("cannot resume " + output.dir() + ": it holds predictions of model " + meta.model() + " ("
                    + meta.numClasses() + " classes), not of " + model.path() + " (" + model.spec().numClasses()
                    + " classes); set overwrite or choose another output");
        }
    }

    /**
     * A complete output (with a {@link CompletionMarker}) is resumed to score images added to the
     * input since; one without is what a failed or killed run left.
     */
    private static void logCompleteness(ScoreOutput output) throws IOException {
        Optional<CompletionMarker> marker = CompletionMarker.read(output.fs(), output.dir());
        if (marker.isPresent()) {
            LOG.info("{} was completed by run {} at {}; scoring the images added since", output.dir(),
                    marker.get().runId(), marker.get().completedAt());
        } else {
            LOG.info("{} is incomplete (no {}): continuing it", output.dir(), CompletionMarker.FILE_NAME);
        }
    }

    /** Output of an earlier format (without a column this run writes) would mix two schemas in one folder. */
    private static void requireCurrentSchema(ScoreOutput output, Dataset<Row> written) throws IOException {
        try {
            ScoreSchema.require(written.schema());
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot resume " + output.dir() + ": " + e.getMessage() + " It was written by an earlier "
                    + "version; set overwrite to score it again, or choose another output", e);
        }
    }

    private static boolean hasParquet(ScoreOutput output) throws IOException {
        for (FileStatus s : output.fs().listStatus(output.dir())) {
            if (s.isFile() && s.getPath().getName().endsWith(".parquet") && !s.getPath().getName().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
