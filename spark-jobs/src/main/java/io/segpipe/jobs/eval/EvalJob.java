package io.segpipe.jobs.eval;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.jobs.infer.BadImage;
import io.segpipe.jobs.infer.InputChecks;
import io.segpipe.jobs.infer.InputSettings;
import io.segpipe.jobs.infer.JobModel;
import io.segpipe.jobs.infer.LoadedModel;
import io.segpipe.jobs.infer.ModelBroadcast;
import io.segpipe.jobs.infer.Predictor;
import io.segpipe.jobs.registry.ModelSource;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.fs.AtomicFs;
import io.segpipe.prep.progress.JobDescription;
import io.segpipe.prep.progress.SparkProgress;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.ShardSchema;

/**
 * Evaluates a model on one split of a prepared dataset, distributed: the model is broadcast once;
 * each partition decodes its rows, predicts them in same-size batches and fills one
 * {@link ConfusionMatrix} ({@link PartitionEvaluator}); the per-partition matrices are merged with
 * {@code treeAggregate}.
 * Predictions never reach the driver (only the few overlay examples of the report do), so the
 * driver's memory does not grow with the dataset, and since every metric is a function of the
 * merged counts the result does not depend on the partitioning.
 *
 * <p>The model is applied as its training recorded ({@link InputSettings}: normalisation, input
 * scale, inference mode) unless the configuration sets otherwise. Images are resized by the input
 * scale before the network and the predictions back ({@link Predictor}), so metrics are always
 * computed against the stored labels at their resolution.
 *
 * <p>Checks before any work, each with one message: the report path exists and overwrite is
 * off; a registry model cannot be resolved ({@link ModelSource}); the model is not a DL4J model; a
 * configured normalisation does not fit the model's channels; the model and dataset class counts
 * differ; the split is missing or empty; the split holds images whose channel count is not the
 * model's. An image whose stored bytes do not decode is counted and listed, and the evaluation
 * goes on, up to {@code maxCorruptFraction} of the split's rows; above it the job fails and writes
 * no report.
 *
 * <p>Every Spark job it starts is described ({@link JobDescription}); the evaluation logs a progress
 * line with rate and ETA as partitions finish and at least every 30 s ({@link SparkProgress}). The
 * report's completion marker is written last.
 *
 * <pre>{@code
 * EvalResult r = EvalJob.run(EvalConfig.builder().model("hdfs:///models/unet").data("hdfs:///data/camvid")
 *         .split("val").output("hdfs:///reports/unet-val").build(), spark);
 * }</pre>
 */
public final class EvalJob {

    private static final Logger LOG = LoggerFactory.getLogger(EvalJob.class);

    private EvalJob() {
    }

    /**
     * Runs the evaluation and writes the report ({@link EvalReport}).
     *
     * @throws IOException              on file-system failures, a missing model or dataset, or an
     *                                  existing output without overwrite
     * @throws IllegalArgumentException on invalid input (see the class notes)
     */
    public static EvalResult run(EvalConfig config, SparkSession spark) throws IOException {
        try (JobDescription described = JobDescription.set(spark.sparkContext(), "segpipe eval")) {
            return evaluate(config, spark);
        }
    }

    private static EvalResult evaluate(EvalConfig config, SparkSession spark) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Path requested = new Path(config.output());
        FileSystem outFs = requested.getFileSystem(hadoop);
        Path output = outFs.makeQualified(requested);
        AtomicFs.requireWritable(outFs, output, config.overwrite());

        JobModel opened = JobModel.open(config.model(), config.normalization(), config.inputScale(), config.inference(),
                hadoop);
        LoadedModel model = opened.model();
        SegmentationSpec spec = model.spec();
        config = config.withSettings(opened.settings());
        Predictor.tileSize(spec, config.inference());
        PreppedDataset dataset = PreppedDataset.open(spark, config.data());
        ClassTable classes = dataset.manifest().classTable();
        InputChecks.requireSameClassCount(model, dataset);
        Dataset<Row> rows = dataset.rows(config.split());
        long samples = dataset.manifest().requireSamples("split", config.split(), dataset.path());
        InputChecks.requireChannels(rows, spec, dataset.path() + " split " + config.split());
        List<String> exampleIds = config.examples() == 0 ? List.of()
                : rows.select(ShardSchema.ID).orderBy(ShardSchema.ID).limit(config.examples()).as(
                        org.apache.spark.sql.Encoders.STRING()).collectAsList();

        long start = System.nanoTime();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Row> input = rows.javaRDD();
        if (config.partitions() > 0) {
            input = input.repartition(config.partitions());
        }
        int partitions = input.getNumPartitions();
        ModelBroadcast broadcast = ModelBroadcast.of(sc, model);
        EvalPartial total;
        try (JobDescription described = JobDescription.set(spark.sparkContext(), "segpipe eval: evaluate "
                + samples + " images of split " + config.split());
             SparkProgress progress = SparkProgress.builder(spark.sparkContext(), "segpipe eval", "images")
                     .total(samples).output(LOG::info).start()) {
            PartitionEvaluator evaluator = new PartitionEvaluator(broadcast, config, classes,
                    ModelBroadcast.threadsPerTask(spark), new HashSet<>(exampleIds));
            total = progress.counted(input).mapPartitions(evaluator::evaluate).treeAggregate(evaluator.zero(),
                    EvalPartial::merge, EvalPartial::merge);
        } finally {
            broadcast.destroy();
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        List<BadImage> bad = new ArrayList<>(total.bad);
        Collections.sort(bad);
        // treeAggregate counts each row once (a re-run task's partial is dropped), so badCount is exact.
        dataset.checkCorruptRows(config.split(), total.badCount, bad.stream().map(BadImage::id).toList(),
                config.corruptRowLimit());
        SegmentationMetrics metrics = SegmentationMetrics.of(total.matrix, classes);
        EvalResult result = new EvalResult(model.path(), dataset.path(), config.split(), output.toString(), classes,
                total.images, total.badCount, bad, metrics, total.matrix, config.inference(), config.normalization(),
                partitions, seconds, total.images / seconds, total.inferenceNanos / 1e9, Instant.now().toString(),
                config.inputScale(), opened.settings().sources(), opened.source().registry(),
                opened.source().version());
        LOG.info("Evaluated {} images of {} split {} in {} partitions in {} s: mIoU {}, pixel accuracy {}, {} bad",
                total.images, dataset.path(), config.split(), partitions, String.format("%.1f", seconds),
                metrics.meanIoU(), metrics.pixelAccuracy(), total.badCount);
        EvalReport.write(outFs, output, result, total.examples, config.overwrite());
        return result;
    }
}
