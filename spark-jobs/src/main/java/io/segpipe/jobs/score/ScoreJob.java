package io.segpipe.jobs.score;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.jobs.infer.JobModel;
import io.segpipe.jobs.infer.LoadedModel;
import io.segpipe.jobs.infer.ModelBroadcast;
import io.segpipe.jobs.infer.Predictor;
import io.segpipe.jobs.registry.LockSettings;
import io.segpipe.prep.fs.CompletionMarker;
import io.segpipe.prep.fs.PathOverlap;
import io.segpipe.prep.fs.SerializableHadoopConf;
import io.segpipe.prep.progress.JobDescription;
import io.segpipe.prep.progress.SparkProgress;

/**
 * Scores a prepared dataset or a folder/glob of images with a model ({@link ScoreInput}),
 * distributed: the model is broadcast once; each partition decodes its images, predicts them in
 * same-size batches and writes one Parquet file ({@link ScoreSchema}, published only when the
 * partition is complete: {@link PartWriter}) plus, optionally, one coloured PNG mask per image
 * ({@link PartitionScorer}, named by {@link MaskNames}). Predictions never pass through the
 * driver; only per-partition summaries (counts, bad images: {@link ScoreSummary}) are collected.
 *
 * <p><b>Resuming.</b> With {@code resume}, the ids already in the output are not scored again
 * ({@link ResumePlan}), so a run killed half-way continues where its completed partitions
 * stopped. Each run names its files after itself, so runs never overwrite each other.
 * {@value ScoreMetadata#FILE_NAME} pins the model: resuming with another model is an error.
 *
 * <p><b>Overwriting.</b> With {@code overwrite}, the run writes staged copies of the output and
 * the masks folder and replaces the previous ones only when it has completed ({@link ScoreOutput});
 * a run that fails leaves them as they were.
 *
 * <p><b>One run per output.</b> A run holds a lock file beside the output and beside the masks
 * folder ({@link OutputLock}); a second run on either fails at once with
 * {@link OutputInUseException}, naming the lock, its holder and how to clear a stale one.
 *
 * <p><b>Reading an output.</b> A downstream reader should use a scoring output only when it holds
 * {@value CompletionMarker#FILE_NAME} ({@link CompletionMarker#require}): the run writes it last,
 * after every part file, with the run id, the counts, the model and the input. Without it the
 * output is being written or its run failed (resume it). With masks, the masks folder holds a
 * marker of the same run id when the masks belong to these scores; each row's {@code mask_file}
 * names its mask. Spark and Hadoop readers skip both markers and the metadata (leading underscore).
 *
 * <p>Checks before anything is written, one message each, in this order: output or masks is the
 * root of its file system; output and masks are, are inside or contain each other; the model is
 * not a DL4J model; model and dataset (or {@code classes}) class counts differ; the input is empty;
 * a prepared split holds images of another channel count than the model's; output or masks is, is
 * inside or contains the model or what the input reads ({@link ScoreInput#sources()}); the output
 * (or masks folder) exists without overwrite or resume; another run holds the output's or masks'
 * lock. A corrupt image, or an image of a folder with the wrong channel count, is counted and
 * listed, and the job goes on.
 *
 * <p>Every Spark job it starts is described ({@link JobDescription}); the scoring logs a progress
 * line with rate and ETA as partitions finish and at least every 30 s ({@link SparkProgress}).
 */
public final class ScoreJob {

    private static final Logger LOG = LoggerFactory.getLogger(ScoreJob.class);
    static final String MARKER_KIND = "score";

    private ScoreJob() {
    }

    /**
     * Runs the scoring.
     *
     * @throws OutputInUseException     when another run holds the output's or the masks folder's lock
     * @throws IOException              on file-system failures, a missing model or input, or an existing
     *                                  output without overwrite or resume
     * @throws IllegalArgumentException on invalid input (see the class notes)
     */
    public static ScoreResult run(ScoreConfig config, SparkSession spark) throws IOException {
        try (JobDescription described = JobDescription.set(spark.sparkContext(), "segpipe score")) {
            return scoreAll(config, spark);
        }
    }

    private static ScoreResult scoreAll(ScoreConfig config, SparkSession spark) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        ScoreOutput output = ScoreOutput.of(config, hadoop);
        JobModel opened = JobModel.open(config.model(), config.normalization(), config.inputScale(), config.inference(),
                hadoop);
        LoadedModel model = opened.model();
        config = config.withSettings(opened.settings());
        Predictor.tileSize(model.spec(), config.inference());
        ScoreInput input = ScoreInput.open(config, model, spark);
        output.requireApartFrom(readPlaces(input, model, hadoop));
        output.refuseExisting(config);

        String runId = PartWriter.newRunId();
        LockSettings lockSettings = LockSettings.staleAfter(Duration.ofSeconds(config.lockTimeoutSeconds()));
        try (OutputLock lock = OutputLock.acquire(output.places(), runId, lockSettings, hadoop)) {
            output.recover();
            output.refuseExisting(config); // again: a replace interrupted before the lock may just have been rolled back
            ResumePlan plan = ResumePlan.of(config, input, output, model, spark);
            ScoreOutput.Run run = output.begin(plan.resuming(), config.overwrite());
            try {
                ScoreResult result = score(config, spark, opened, input, output, plan, run, runId);
                output.publish(run, marker(result), lock);
                LOG.info("Scored {} images ({} skipped as done, {} unusable) of {} in {} partitions in {} s ({} img/s) "
                        + "-> {}", result.scored(), result.skipped(), result.badImages(), result.input(),
                        result.partitions(), String.format(Locale.ROOT, "%.1f", result.seconds()),
                        String.format(Locale.ROOT, "%.2f", result.imagesPerSecond()), output.dir());
                return result;
            } catch (Throwable e) { // Throwable: Spark rethrows a failed job as the checked SparkException, undeclared
                output.abandon(run);
                throw e;
            }
        }
    }

    /** What the run reads: the model and the input's sources. */
    private static List<PathOverlap.Place> readPlaces(ScoreInput input, LoadedModel model, Configuration hadoop)
            throws IOException {
        List<PathOverlap.Place> places = new ArrayList<>(input.sources());
        places.add(new PathOverlap.Place("model", PathOverlap.canonical(model.path(), hadoop)));
        return places;
    }

    /** The distributed part: writes the metadata and the parts (and masks) into the run's folders. */
    private static ScoreResult score(ScoreConfig config, SparkSession spark, JobModel opened, ScoreInput input,
                                     ScoreOutput output, ResumePlan plan, ScoreOutput.Run run, String runId)
            throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        LoadedModel model = opened.model();
        output.writeMetadata(run, new ScoreMetadata(ScoreMetadata.FORMAT, model.path(), model.spec().numClasses(),
                input.classes(), Instant.now().toString(), opened.source().registry(), opened.source().version()));
        long start = System.nanoTime();
        JavaRDD<Row> rows = plan.rows().javaRDD();
        if (plan.partitions() > 0) {
            rows = rows.repartition(plan.partitions());
        }
        int partitions = rows.getNumPartitions();
        ModelBroadcast broadcast = ModelBroadcast.of(JavaSparkContext.fromSparkContext(spark.sparkContext()), model);
        ScoreSummary total;
        long toScore = input.images() - plan.skipped();
        try (JobDescription described = JobDescription.set(spark.sparkContext(), "segpipe score: score " + toScore
                + " images");
             SparkProgress progress = SparkProgress.builder(spark.sparkContext(), "segpipe score", "images")
                     .total(toScore).output(LOG::info).start()) {
            PartitionScorer scorer = new PartitionScorer(broadcast, config, input.classes(),
                    new SerializableHadoopConf(hadoop), run.dir().toString(),
                    run.masks() == null ? null : run.masks().toString(), runId, ModelBroadcast.threadsPerTask(spark));
            total = ScoreSummary.total(progress.counted(rows).mapPartitionsWithIndex(scorer::score, false).collect(),
                    config.maxBadListed());
        } finally {
            broadcast.destroy();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new ScoreResult(model.path(), config.describeInput(), output.dir().toString(),
                output.masks() == null ? null : output.masks().toString(), input.images(), plan.skipped(), total.scored,
                total.badCount, total.bad, partitions, total.files, config.inference(), seconds, total.scored / seconds,
                total.inferenceNanos / 1e9, runId);
    }

    /** The completion marker of a run: its counts, the model and what was scored. */
    static CompletionMarker marker(ScoreResult result) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("inputImages", result.inputImages());
        counts.put("scored", result.scored());
        counts.put("alreadyScored", result.skipped());
        counts.put("badImages", result.badImages());
        counts.put("filesWritten", (long) result.filesWritten());
        Map<String, String> inputs = Map.of("model", result.model(), "input", result.input());
        return CompletionMarker.of(MARKER_KIND, result.runId(), Instant.now(), counts, inputs);
    }
}
