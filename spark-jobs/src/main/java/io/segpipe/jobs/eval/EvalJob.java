package io.segpipe.jobs.eval;

import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.jobs.data.Decoding;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.fs.AtomicFs;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.reader.RowDecoder;
import io.segpipe.prep.reader.TensorSample;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.ShardSchema;
import io.segpipe.prep.schema.SplitStats;

/**
 * Evaluates a model on one split of a prepared dataset, distributed: the model is broadcast once;
 * each partition decodes its rows, predicts them in same-size batches ({@link Predictor}) and fills
 * one {@link ConfusionMatrix}; the per-partition matrices are merged with {@code treeAggregate}.
 * Predictions never reach the driver (only the few overlay examples of the report do), so the
 * driver's memory does not grow with the dataset, and since every metric is a function of the
 * merged counts the result does not depend on the partitioning.
 *
 * <p>Checks before any work, each with one message: the report path exists and overwrite is
 * off; the model is not a DL4J model; the model and dataset class counts differ; the split is
 * missing or empty; the split holds images whose channel count is not the model's. An image
 * whose stored bytes do not decode is counted and listed, and the evaluation goes on.
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
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Path requested = new Path(config.output());
        FileSystem outFs = requested.getFileSystem(hadoop);
        Path output = outFs.makeQualified(requested);
        AtomicFs.requireWritable(outFs, output, config.overwrite());

        Nd4jBackend.init();
        LoadedModel model = LoadedModel.read(config.model(), hadoop);
        SegmentationSpec spec = model.spec();
        Predictor.tileSize(spec, config.inference());
        PreppedDataset dataset = PreppedDataset.open(spark, config.data());
        ClassTable classes = dataset.manifest().classTable();
        InputChecks.requireSameClassCount(model, dataset);
        Dataset<Row> rows = dataset.rows(config.split());
        SplitStats stats = dataset.manifest().splits().get(config.split());
        if (stats == null || stats.samples() == 0) {
            throw new IllegalArgumentException("empty input: split " + config.split() + " of dataset " + dataset.path()
                    + " has no samples");
        }
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
        try {
            PartitionEvaluator evaluator = new PartitionEvaluator(broadcast, config, classes, InputChecks.taskCpus(spark),
                    new HashSet<>(exampleIds));
            total = input.mapPartitions(evaluator::evaluate).treeAggregate(evaluator.zero(), EvalPartial::merge,
                    EvalPartial::merge);
        } finally {
            broadcast.destroy();
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        List<BadImage> bad = new ArrayList<>(total.bad);
        Collections.sort(bad);
        SegmentationMetrics metrics = SegmentationMetrics.of(total.matrix, classes);
        EvalResult result = new EvalResult(model.path(), dataset.path(), config.split(), output.toString(), classes,
                total.images, total.badCount, bad, metrics, total.matrix, config.inference(), config.normalization(),
                partitions, seconds, total.images / seconds, total.inferenceNanos / 1e9, Instant.now().toString());
        LOG.info("Evaluated {} images of {} split {} in {} partitions in {} s: mIoU {}, pixel accuracy {}, {} bad",
                total.images, dataset.path(), config.split(), partitions, String.format("%.1f", seconds),
                metrics.meanIoU(), metrics.pixelAccuracy(), total.badCount);
        EvalReport.write(outFs, output, result, total.examples, config.overwrite());
        return result;
    }

    /** The per-partition work; serializable, shipped with every task. */
    static final class PartitionEvaluator implements Serializable {
        private static final long serialVersionUID = 1L;

        private final ModelBroadcast model;
        private final InferenceConfig inference;
        private final RowDecoder decoder;
        private final int numClasses;
        private final int ignoreLabel;
        private final int threads;
        private final Set<String> exampleIds;
        private final int maxBadListed;
        private final int channels;

        PartitionEvaluator(ModelBroadcast model, EvalConfig config, ClassTable classes, int threads, Set<String> exampleIds) {
            this.model = model;
            this.inference = config.inference();
            this.decoder = new RowDecoder(config.normalization(), classes.numClasses(), classes.ignoreLabel());
            this.numClasses = classes.numClasses();
            this.ignoreLabel = classes.ignore().orElse(-1);
            this.threads = threads;
            this.exampleIds = exampleIds;
            this.maxBadListed = config.maxBadListed();
            this.channels = model.spec().inputChannels();
        }

        EvalPartial zero() {
            return new EvalPartial(new ConfusionMatrix(numClasses, ignoreLabel), maxBadListed);
        }

        Iterator<EvalPartial> evaluate(Iterator<Row> rows) {
            EvalPartial part = zero();
            try (ModelBroadcast.Lease lease = model.lease(threads)) {
                Predictor predictor = new Predictor(lease.segmenter(), inference);
                Iterator<Decoded> decoded = Decoding.skippingBad(rows, row -> decode(row, part));
                SameSizeBatches<Decoded> batches = SameSizeBatches.of(decoded, inference.batchSize(),
                        d -> SameSizeBatches.key(d.sample.channels(), d.sample.height(), d.sample.width()));
                while (batches.hasNext()) {
                    predictBatch(predictor, batches.next(), part);
                }
            }
            return List.of(part).iterator();
        }

        private void predictBatch(Predictor predictor, List<Decoded> batch, EvalPartial part) {
            TensorSample first = batch.get(0).sample;
            int plane = first.height() * first.width();
            int size = first.channels() * plane;
            float[] data = new float[batch.size() * size];
            for (int i = 0; i < batch.size(); i++) {
                System.arraycopy(batch.get(i).sample.image(), 0, data, i * size, size);
            }
            INDArray images = Nd4j.create(data, new long[] {batch.size(), first.channels(), first.height(), first.width()}, 'c');
            long t = System.nanoTime();
            Predictor.BatchPrediction p = predictor.predict(images, false);
            part.inferenceNanos += System.nanoTime() - t;
            for (int i = 0; i < batch.size(); i++) {
                Decoded d = batch.get(i);
                part.matrix.add(d.sample.label(), 0, p.labels(), p.offset(i), plane);
                part.images++;
                if (d.imageBytes != null) {
                    byte[] predicted = new byte[plane];
                    int offset = p.offset(i);
                    for (int j = 0; j < plane; j++) {
                        predicted[j] = (byte) p.labels()[offset + j];
                    }
                    part.examples.add(new EvalPartial.Example(d.sample.id(), d.imageBytes, d.labelBytes,
                            ImageCodec.encodeGreyPng(first.width(), first.height(), predicted)));
                }
            }
        }

        /** The sample of {@code row}, or null when it is unusable (recorded in {@code part}). */
        private Decoded decode(Row row, EvalPartial part) {
            String id = row.getString(row.fieldIndex(ShardSchema.ID));
            TensorSample sample;
            try {
                sample = decoder.decode(row);
            } catch (RuntimeException e) {
                part.addBad(new BadImage(id, String.valueOf(e.getMessage())));
                return null;
            }
            if (sample.channels() != channels) {
                part.addBad(new BadImage(id, "image has " + sample.channels() + " channel(s), the model expects "
                        + channels));
                return null;
            }
            if (exampleIds.contains(id)) {
                return new Decoded(sample, (byte[]) row.get(row.fieldIndex(ShardSchema.IMAGE)),
                        (byte[]) row.get(row.fieldIndex(ShardSchema.LABEL)));
            }
            return new Decoded(sample, null, null);
        }

    }

    /** A decoded sample, with its stored bytes when it is an overlay example. */
    private record Decoded(TensorSample sample, byte[] imageBytes, byte[] labelBytes) {
    }
}
