package io.segpipe.jobs.score;

import java.io.IOException;
import java.time.Instant;
import java.util.Locale;

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
import io.segpipe.prep.fs.SerializableHadoopConf;

/**
 * Scores a prepared dataset or a folder/glob of images with a model ({@link ScoreInput}),
 * distributed: the model is broadcast once; each partition decodes its images, predicts them in
 * same-size batches and writes one Parquet file ({@link ScoreSchema}, published only when the
 * partition is complete: {@link PartWriter}) plus, optionally, one coloured PNG mask per image
 * ({@link PartitionScorer}). Predictions never pass through the driver; only per-partition
 * summaries (counts, bad images: {@link ScoreSummary}) are collected.
 *
 * <p><b>Resuming.</b> With {@code resume}, the ids already in the output are not scored again
 * ({@link ResumePlan}), so a run killed half-way continues where its completed partitions
 * stopped. Each run names its files after itself, so runs never overwrite each other.
 * {@value ScoreMetadata#FILE_NAME} pins the model: resuming with another model is an error.
 *
 * <p>Checks before any work, one message each: the output (or masks folder) exists without
 * overwrite or resume; the model is not a DL4J model; model and dataset (or {@code classes}) class
 * counts differ; the input is empty; a prepared split holds images of another channel count than
 * the model's. A corrupt image, or an image of a folder with the wrong channel count, is counted
 * and listed, and the job goes on.
 */
public final class ScoreJob {

    private static final Logger LOG = LoggerFactory.getLogger(ScoreJob.class);

    private ScoreJob() {
    }

    /**
     * Runs the scoring.
     *
     * @throws IOException              on file-system failures, a missing model or input, or an existing
     *                                  output without overwrite or resume
     * @throws IllegalArgumentException on invalid input (see the class notes)
     */
    public static ScoreResult run(ScoreConfig config, SparkSession spark) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        ScoreOutput output = ScoreOutput.of(config, hadoop);
        JobModel opened = JobModel.open(config.model(), config.normalization(), config.inputScale(), config.inference(),
                hadoop);
        LoadedModel model = opened.model();
        config = config.withSettings(opened.settings());
        Predictor.tileSize(model.spec(), config.inference());
        ScoreInput input = ScoreInput.open(config, model, spark);
        ResumePlan plan = ResumePlan.of(config, input, output, model, spark);
        if (!plan.resuming()) {
            output.startFresh(config.overwrite(), hadoop);
        }
        output.writeMetadata(new ScoreMetadata(ScoreMetadata.FORMAT, model.path(), model.spec().numClasses(),
                input.classes(), Instant.now().toString(), opened.source().registry(), opened.source().version()));

        long start = System.nanoTime();
        JavaRDD<Row> rows = plan.rows().javaRDD();
        if (plan.partitions() > 0) {
            rows = rows.repartition(plan.partitions());
        }
        int partitions = rows.getNumPartitions();
        String masks = output.masks() == null ? null : output.masks().toString();
        ModelBroadcast broadcast = ModelBroadcast.of(JavaSparkContext.fromSparkContext(spark.sparkContext()), model);
        ScoreSummary total;
        try {
            PartitionScorer scorer = new PartitionScorer(broadcast, config, input.classes(),
                    new SerializableHadoopConf(hadoop), output.dir().toString(), masks, PartWriter.newRunId(),
                    ModelBroadcast.threadsPerTask(spark));
            total = ScoreSummary.total(rows.mapPartitionsWithIndex(scorer::score, false).collect(),
                    config.maxBadListed());
        } finally {
            broadcast.destroy();
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        ScoreResult result = new ScoreResult(model.path(), config.describeInput(), output.dir().toString(), masks,
                input.images(), plan.skipped(), total.scored, total.badCount, total.bad, partitions, total.files,
                config.inference(), seconds, total.scored / seconds, total.inferenceNanos / 1e9);
        LOG.info("Scored {} images ({} skipped as done, {} unusable) of {} in {} partitions in {} s ({} img/s) -> {}",
                total.scored, plan.skipped(), total.badCount, config.describeInput(), partitions,
                String.format(Locale.ROOT, "%.1f", seconds), String.format(Locale.ROOT, "%.2f", result.imagesPerSecond()),
                output.dir());
        return result;
    }
}
