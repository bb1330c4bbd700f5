package io.segpipe.jobs.score;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
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
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.jobs.data.Decoding;
import io.segpipe.jobs.eval.BadImage;
import io.segpipe.jobs.eval.InferenceConfig;
import io.segpipe.jobs.eval.InputChecks;
import io.segpipe.jobs.eval.LabelColours;
import io.segpipe.jobs.eval.LoadedModel;
import io.segpipe.jobs.eval.ModelBroadcast;
import io.segpipe.jobs.eval.Predictor;
import io.segpipe.jobs.eval.SameSizeBatches;
import io.segpipe.jobs.eval.Tensors;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.codec.BadInputException;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.codec.RasterImage;
import io.segpipe.prep.fs.AtomicFs;
import io.segpipe.prep.fs.SerializableHadoopConf;
import io.segpipe.prep.reader.Normalization;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.ShardSchema;
import io.segpipe.prep.schema.SplitStats;

/**
 * Scores a prepared dataset or a folder/glob of images with a model, distributed: the model is
 * broadcast once; each partition decodes its images, predicts them in same-size batches
 * ({@link Predictor}) and writes one Parquet file ({@link ScoreSchema}) to a hidden temporary
 * name that is renamed into the output only when the partition is complete, plus (optionally) one
 * coloured PNG mask per image. Predictions never pass through the driver; only per-partition
 * summaries (counts, bad images) are collected.
 *
 * <p><b>Resuming.</b> With {@code resume}, the ids already in the output are read (the id column
 * only) and removed from the input with an anti-join, so a run killed half-way continues where
 * its completed partitions stopped; a partition that did not complete left nothing visible. Each
 * run names its files {@code part-<run>-<partition>.parquet}, so runs never overwrite each other;
 * a retried task replaces its own file. {@value ScoreMetadata#FILE_NAME} pins the model: resuming
 * with another model is an error.
 *
 * <p>Checks before any work, one message each: the output (or masks folder) exists without
 * overwrite or resume; the model is not a DL4J model; model and dataset (or {@code classes}) class
 * counts differ; the input is empty; a prepared split holds images of another channel count than
 * the model's. A corrupt image, or an image of a folder with the wrong channel count, is counted
 * and listed, and the job goes on.
 */
public final class ScoreJob {

    private static final Logger LOG = LoggerFactory.getLogger(ScoreJob.class);
    private static final String PATH = "path";
    private static final StructType INPUT_SCHEMA = new StructType()
            .add(ShardSchema.ID, DataTypes.StringType, false)
            .add(PATH, DataTypes.StringType, true)
            .add(ShardSchema.IMAGE, DataTypes.BinaryType, true);

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
        Path output = qualify(config.output(), hadoop);
        FileSystem outFs = output.getFileSystem(hadoop);
        Path masks = config.masks() == null ? null : qualify(config.masks(), hadoop);
        checkOutput(outFs, output, config, "output");
        if (masks != null) {
            checkOutput(masks.getFileSystem(hadoop), masks, config, "masks");
        }

        Nd4jBackend.init();
        LoadedModel model = LoadedModel.read(config.model(), hadoop);
        SegmentationSpec spec = model.spec();
        Predictor.tileSize(spec, config.inference());

        ClassTable classes;
        Dataset<Row> input;
        long inputImages;
        boolean repartition;
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int partitions = config.partitions();
        if (config.data() != null) {
            PreppedDataset ds = PreppedDataset.open(spark, config.data());
            classes = ds.manifest().classTable();
            InputChecks.requireSameClassCount(model, ds);
            Dataset<Row> rows = config.split() == null ? ds.rows() : ds.rows(config.split());
            inputImages = config.split() == null ? ds.manifest().samples()
                    : ds.manifest().splits().getOrDefault(config.split(), SplitStats.of(0, 0, 0, new long[0], new long[0]))
                            .samples();
            if (inputImages == 0) {
                throw new IllegalArgumentException("empty input: " + config.describeInput() + " has no samples");
            }
            InputChecks.requireChannels(rows, spec, config.describeInput());
            input = rows.select(functions.col(ShardSchema.ID), functions.lit(null).cast(DataTypes.StringType).as(PATH),
                    functions.col(ShardSchema.IMAGE));
            repartition = partitions > 0;
        } else {
            classes = config.classes() != null ? config.classes() : defaultClasses(spec.numClasses());
            InputChecks.requireSameClassCount(model, classes, "classes");
            List<ImageListing.Entry> listing = ImageListing.list(config.images(), hadoop);
            if (listing.isEmpty()) {
                throw new IllegalArgumentException("empty input: no PNG or JPEG images (.png, .jpg, .jpeg) in "
                        + config.images());
            }
            inputImages = listing.size();
            List<Row> rows = new ArrayList<>(listing.size());
            for (ImageListing.Entry e : listing) {
                rows.add(RowFactory.create(e.id(), e.path(), null));
            }
            input = spark.createDataFrame(rows, INPUT_SCHEMA);
            if (partitions == 0) {
                partitions = (int) Math.max(sc.defaultParallelism(), (inputImages + 255) / 256);
            }
            repartition = true;
        }

        long skipped = 0;
        boolean resuming = config.resume() && outFs.exists(output);
        if (resuming) {
            requireSameModel(outFs, output, model);
            if (hasParquet(outFs, output)) {
                Dataset<Row> done = spark.read().parquet(output.toString()).select(ScoreSchema.ID);
                input = input.join(done, input.col(ShardSchema.ID).equalTo(done.col(ScoreSchema.ID)), "left_anti");
                long remaining = input.count();
                skipped = inputImages - remaining;
                LOG.info("Resuming {}: {} of {} images already scored", output, skipped, inputImages);
                if (partitions == 0) {
                    partitions = Math.max(1, (int) Math.min(input.rdd().getNumPartitions(), Math.max(1, remaining / 16)));
                }
                repartition = true;
            }
        } else {
            if (config.overwrite()) {
                deleteIfExists(outFs, output);
                if (masks != null) {
                    deleteIfExists(masks.getFileSystem(hadoop), masks);
                }
            }
            outFs.mkdirs(output);
        }
        new ScoreMetadata(ScoreMetadata.FORMAT, model.path(), spec.numClasses(), classes, Instant.now().toString())
                .write(outFs, output);

        long start = System.nanoTime();
        JavaRDD<Row> rdd = input.javaRDD();
        if (repartition && partitions > 0) {
            rdd = rdd.repartition(partitions);
        }
        int used = rdd.getNumPartitions();
        String runId = String.format(Locale.ROOT, "%tY%<tm%<td%<tH%<tM%<tS-%s", new java.util.Date(),
                UUID.randomUUID().toString().substring(0, 8));
        ModelBroadcast broadcast = ModelBroadcast.of(sc, model);
        List<PartSummary> parts;
        try {
            PartitionScorer scorer = new PartitionScorer(broadcast, config.inference(), config.normalization(), classes,
                    new SerializableHadoopConf(hadoop), output.toString(), masks == null ? null : masks.toString(), runId,
                    InputChecks.taskCpus(spark), config.maxBadListed());
            parts = rdd.mapPartitionsWithIndex(scorer::score, false).collect();
        } finally {
            broadcast.destroy();
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        long scored = 0;
        long badCount = 0;
        long inferenceNanos = 0;
        int files = 0;
        List<BadImage> bad = new ArrayList<>();
        for (PartSummary p : parts) {
            scored += p.scored;
            badCount += p.badCount;
            inferenceNanos += p.inferenceNanos;
            files += p.file == null ? 0 : 1;
            bad.addAll(p.bad);
        }
        Collections.sort(bad);
        if (bad.size() > config.maxBadListed()) {
            bad = new ArrayList<>(bad.subList(0, config.maxBadListed()));
        }
        ScoreResult result = new ScoreResult(model.path(), config.describeInput(), output.toString(),
                masks == null ? null : masks.toString(), inputImages, skipped, scored, badCount, bad, used, files,
                config.inference(), seconds, scored / seconds, inferenceNanos / 1e9);
        LOG.info("Scored {} images ({} skipped as done, {} unusable) of {} in {} partitions in {} s ({} img/s) -> {}",
                scored, skipped, badCount, config.describeInput(), used, String.format(Locale.ROOT, "%.1f", seconds),
                String.format(Locale.ROOT, "%.2f", result.imagesPerSecond()), output);
        return result;
    }

    /** Class names "class 0".. and Pascal VOC palette colours, for a folder of images without a class table. */
    static ClassTable defaultClasses(int numClasses) {
        String[] names = new String[numClasses];
        for (int i = 0; i < numClasses; i++) {
            names[i] = "class " + i;
        }
        return ClassTable.of(null, names);
    }

    private static Path qualify(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        return p.getFileSystem(conf).makeQualified(p);
    }

    private static void checkOutput(FileSystem fs, Path path, ScoreConfig config, String field) throws IOException {
        if (!config.overwrite() && !config.resume() && fs.exists(path)) {
            throw new IOException(field + " " + path + " already exists; set overwrite to replace it, resume to continue "
                    + "it, or choose another path");
        }
    }

    private static void requireSameModel(FileSystem fs, Path output, LoadedModel model) throws IOException {
        ScoreMetadata meta = ScoreMetadata.read(fs, output);
        if (meta == null) {
            FileStatus[] content = fs.listStatus(output);
            if (content.length == 0) {
                return;
            }
            throw new IOException("cannot resume " + output + ": it is not a segpipe scoring output (no "
                    + ScoreMetadata.FILE_NAME + ")");
        }
        if (!meta.model().equals(model.path()) || meta.numClasses() != model.spec().numClasses()) {
            throw new IOException("cannot resume " + output + ": it holds predictions of model " + meta.model() + " ("
                    + meta.numClasses() + " classes), not of " + model.path() + " (" + model.spec().numClasses()
                    + " classes); set overwrite or choose another output");
        }
    }

    private static boolean hasParquet(FileSystem fs, Path output) throws IOException {
        for (FileStatus s : fs.listStatus(output)) {
            if (s.isFile() && s.getPath().getName().endsWith(".parquet") && !s.getPath().getName().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static void deleteIfExists(FileSystem fs, Path p) throws IOException {
        if (fs.exists(p) && !fs.delete(p, true)) {
            throw new IOException("cannot delete " + p + " to overwrite it");
        }
    }

    /** The mask file of an id: its known image extension replaced by .png; ".." segments neutralised. */
    static String maskName(String id) {
        String base = id;
        String lower = id.toLowerCase(Locale.ROOT);
        for (String ext : new String[] {".png", ".jpg", ".jpeg"}) {
            if (lower.endsWith(ext)) {
                base = id.substring(0, id.length() - ext.length());
                break;
            }
        }
        StringBuilder safe = new StringBuilder();
        for (String seg : base.split("/", -1)) {
            if (safe.length() > 0) {
                safe.append('/');
            }
            safe.append(seg.equals("..") || seg.equals(".") || seg.isEmpty() ? "_" + seg : seg);
        }
        return safe + ".png";
    }

    /** What one partition did; collected to the driver. */
    static final class PartSummary implements Serializable {
        private static final long serialVersionUID = 1L;
        long scored;
        long badCount;
        long inferenceNanos;
        String file;
        final List<BadImage> bad = new ArrayList<>();
    }

    /** The per-partition work; serializable, shipped with every task. */
    static final class PartitionScorer implements Serializable {
        private static final long serialVersionUID = 1L;

        private final ModelBroadcast model;
        private final InferenceConfig inference;
        private final Normalization normalization;
        private final LabelColours colours;
        private final int numClasses;
        private final SerializableHadoopConf conf;
        private final String output;
        private final String masks;
        private final String runId;
        private final int threads;
        private final int maxBadListed;

        PartitionScorer(ModelBroadcast model, InferenceConfig inference, Normalization normalization, ClassTable classes,
                        SerializableHadoopConf conf, String output, String masks, String runId, int threads,
                        int maxBadListed) {
            this.model = model;
            this.inference = inference;
            this.normalization = normalization;
            this.colours = new LabelColours(classes);
            this.numClasses = classes.numClasses();
            this.conf = conf;
            this.output = output;
            this.masks = masks;
            this.runId = runId;
            this.threads = threads;
            this.maxBadListed = maxBadListed;
        }

        Iterator<PartSummary> score(Integer index, Iterator<Row> rows) throws IOException {
            PartSummary summary = new PartSummary();
            if (!rows.hasNext()) {
                return List.of(summary).iterator();
            }
            Path outDir = new Path(output);
            FileSystem fs = outDir.getFileSystem(conf.get());
            Path target = new Path(outDir, String.format(Locale.ROOT, "part-%s-%05d.parquet", runId, index));
            Path tmp = AtomicFs.tempSibling(target);
            Path maskDir = masks == null ? null : new Path(masks);
            FileSystem maskFs = maskDir == null ? null : maskDir.getFileSystem(conf.get());
            MessageType schema = ScoreSchema.parquet();
            SimpleGroupFactory groups = new SimpleGroupFactory(schema);
            boolean published = false;
            ParquetWriter<Group> writer = null;
            try (ModelBroadcast.Lease lease = model.lease(threads)) {
                Predictor predictor = new Predictor(lease.segmenter(), inference);
                int channels = predictor.spec().inputChannels();
                Iterator<Item> items = Decoding.skippingBad(rows, row -> decode(row, summary, channels));
                SameSizeBatches<Item> batches = SameSizeBatches.of(items, inference.batchSize(),
                        it -> SameSizeBatches.key(channels, it.height, it.width));
                while (batches.hasNext()) {
                    List<Item> batch = batches.next();
                    Item first = batch.get(0);
                    List<float[]> chw = new ArrayList<>(batch.size());
                    for (Item it : batch) {
                        chw.add(it.chw);
                    }
                    long t = System.nanoTime();
                    Predictor.BatchPrediction p = predictor.predict(Tensors.batch(chw, channels, first.height, first.width),
                            true);
                    summary.inferenceNanos += System.nanoTime() - t;
                    if (writer == null) {
                        writer = ExampleParquetWriter.builder(tmp).withConf(conf.get()).withType(schema)
                                .withCompressionCodec(CompressionCodecName.SNAPPY)
                                .withWriteMode(ParquetFileWriter.Mode.CREATE).build();
                    }
                    int plane = first.height * first.width;
                    for (int i = 0; i < batch.size(); i++) {
                        int offset = p.offset(i);
                        byte[] labels = new byte[plane];
                        long[] counts = new long[numClasses];
                        int[] all = p.labels();
                        for (int j = 0; j < plane; j++) {
                            int label = all[offset + j];
                            labels[j] = (byte) label;
                            counts[label]++;
                        }
                        Group g = groups.newGroup()
                                .append(ScoreSchema.ID, batch.get(i).id)
                                .append(ScoreSchema.PREDICTION, Binary.fromConstantByteArray(
                                        ImageCodec.encodeGreyPng(first.width, first.height, labels)))
                                .append(ScoreSchema.HEIGHT, first.height)
                                .append(ScoreSchema.WIDTH, first.width);
                        Group list = g.addGroup(ScoreSchema.CLASS_FRACTIONS);
                        for (long c : counts) {
                            list.addGroup("list").append("element", (double) c / plane);
                        }
                        g.append(ScoreSchema.CONFIDENCE, p.confidence()[i]);
                        writer.write(g);
                        if (maskDir != null) {
                            byte[] png = ImageCodec.encodePng(colours.render(all, offset, first.width, first.height));
                            AtomicFs.writeFile(maskFs, new Path(maskDir, maskName(batch.get(i).id)), true,
                                    out -> out.write(png));
                        }
                        summary.scored++;
                    }
                }
                if (writer != null) {
                    writer.close();
                    writer = null;
                    AtomicFs.publishFile(fs, tmp, target); // a retried task replaces its earlier attempt's file
                    summary.file = target.getName();
                }
                published = true;
            } finally {
                if (writer != null) {
                    try {
                        writer.close();
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("closing the Parquet writer of {} after a failure: {}", tmp, e.toString());
                    }
                }
                if (!published) {
                    AtomicFs.deleteAfterFailure(fs, tmp);
                }
            }
            return List.of(summary).iterator();
        }

        /** The image of {@code row}, or null when it is unusable (recorded in {@code summary}). */
        private Item decode(Row row, PartSummary summary, int channels) {
            String id = row.getString(0);
            try {
                byte[] bytes = row.isNullAt(2) ? read(row.getString(1)) : (byte[]) row.get(2);
                RasterImage image = ImageCodec.decodeImage(bytes);
                if (image.channels() != channels) {
                    bad(summary, id, "image has " + image.channels() + " channel(s) but the model expects " + channels);
                    return null;
                }
                return new Item(id, image.height(), image.width(), normalization.planar(image));
            } catch (BadInputException e) {
                bad(summary, id, e.reason());
            } catch (FileNotFoundException e) {
                bad(summary, id, "file vanished before it was read: " + e.getMessage());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + row.getString(1), e);
            }
            return null;
        }

        private byte[] read(String path) throws IOException {
            Path p = new Path(path);
            FileSystem f = p.getFileSystem(conf.get());
            try (InputStream in = f.open(p)) {
                return in.readAllBytes();
            }
        }

        private void bad(PartSummary summary, String id, String reason) {
            summary.badCount++;
            if (summary.bad.size() < maxBadListed) {
                summary.bad.add(new BadImage(id, reason));
            }
        }

    }

    /** A decoded image waiting for its batch. */
    private record Item(String id, int height, int width, float[] chw) {
    }
}
