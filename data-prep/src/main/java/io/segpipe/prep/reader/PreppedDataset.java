package io.segpipe.prep.reader;

import io.segpipe.prep.fs.CompletionMarker;
import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.schema.ShardSchema;
import io.segpipe.prep.schema.SplitStats;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Collection;

/**
 * A prepared dataset, opened for reading. {@link #open} accepts only complete datasets (the
 * {@link CompletionMarker} is written last, after the manifest) of this build's
 * {@link ShardSchema#VERSION}, and checks the Parquet schema before any work.
 *
 * <pre>{@code
 * PreppedDataset ds = PreppedDataset.open(spark, "hdfs:///data/camvid-prep");
 * JavaRDD<TensorSample> train = ds.samples("train", Normalization.UNIT);
 * }</pre>
 */
public final class PreppedDataset {

    private static final Logger LOG = LoggerFactory.getLogger(PreppedDataset.class);

    private final SparkSession spark;
    private final Path root;
    private final DatasetManifest manifest;

    private PreppedDataset(SparkSession spark, Path root, DatasetManifest manifest) {
        this.spark = spark;
        this.root = root;
        this.manifest = manifest;
    }

    /**
     * Opens the dataset at {@code path} and checks that it is complete: it has its completion
     * marker, and the shard files are exactly those the manifest lists, with their lengths and
     * Parquet footer row counts (a listing and one footer read per shard). A dataset prepared before
     * datasets had a marker opens with a log line, one prepared before manifests listed shards with
     * a warning.
     *
     * @throws IOException              when there is no complete dataset at {@code path}
     *                                  ({@link io.segpipe.prep.InvalidInputException} without its marker), or a
     *                                  shard is missing, unlisted, or differs from the manifest (the message names each)
     * @throws IllegalArgumentException when its schema version is not {@link ShardSchema#VERSION}
     */
    public static PreppedDataset open(SparkSession spark, String path) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        Path root = fs.makeQualified(p);
        DatasetManifest manifest = DatasetManifest.read(fs, root);
        requireMarker(fs, root, manifest);
        if (manifest.schemaVersion() != ShardSchema.VERSION) {
            throw new IllegalArgumentException("dataset at " + root + " has schema version " + manifest.schemaVersion()
                    + " but this build reads version " + ShardSchema.VERSION + "; prepare it again with this version");
        }
        ShardCheck.verify(fs, root, manifest, spark.sparkContext().hadoopConfiguration());
        return new PreppedDataset(spark, root, manifest);
    }

    /** The marker its manifest announces must be there; a manifest that announces none predates markers. */
    private static void requireMarker(FileSystem fs, Path root, DatasetManifest manifest) throws IOException {
        if (manifest.completionMarker() == null) {
            LOG.info("Dataset at {} was prepared before datasets had a completion marker: its {}, written last, marks it"
                    + " complete", root, DatasetManifest.FILE_NAME);
            return;
        }
        CompletionMarker.require(fs, root, "dataset", "prepare it again with segpipe prep, or point at a complete dataset");
    }

    public DatasetManifest manifest() {
        return manifest;
    }

    /**
     * Reads every shard whole, on the driver, and compares its CRC32C with the manifest: the full
     * check after copying a dataset or on suspicion of bit rot, which {@link #open}'s cheap checks
     * cannot see (a changed byte leaves length and footer as they were). Costs a read of the data.
     *
     * @throws IOException           naming each shard whose bytes differ from what prep wrote
     * @throws IllegalStateException for a dataset prepared before manifests listed shards
     */
    public void verifyChecksums() throws IOException {
        ShardCheck.verifyChecksums(root.getFileSystem(spark.sparkContext().hadoopConfiguration()), root, manifest);
    }

    /** Qualified dataset directory. */
    public String path() {
        return root.toString();
    }

    /** All rows, every split, schema checked. */
    public Dataset<Row> rows() {
        Dataset<Row> rows = spark.read().schema(ShardSchema.SCHEMA).parquet(new Path(root, manifest.dataDir()).toString());
        ShardSchema.require(rows);
        return rows;
    }

    /**
     * Rows of one split; only that split's files are read.
     *
     * @throws IllegalArgumentException naming the available splits when {@code split} has no rows
     */
    public Dataset<Row> rows(String split) {
        if (!manifest.splits().containsKey(split)) {
            throw new IllegalArgumentException("dataset at " + root + " has no split " + split + "; it has "
                    + manifest.splits().keySet());
        }
        return rows().where(functions.col(ShardSchema.SPLIT).equalTo(split));
    }

    /**
     * Fails when the rows a reader skipped as corrupt in {@code split} (their ids, counted once
     * each) are more than {@code limit} allows of the split's rows as the manifest counts them.
     *
     * @throws IllegalStateException naming the split, the counts, the limit and the first ids
     */
    public void checkCorruptRows(String split, Collection<String> corruptIds, CorruptRowLimit limit) {
        SplitStats stats = manifest.splits().get(split);
        limit.check("split " + split + " of " + root, corruptIds, stats == null ? 0 : stats.samples());
    }

    /**
     * As {@link #checkCorruptRows(String, Collection, CorruptRowLimit)}, for a reader that counted
     * {@code corruptRows} exactly (each row once) and kept only {@code firstIds} of them.
     */
    public void checkCorruptRows(String split, long corruptRows, Collection<String> firstIds, CorruptRowLimit limit) {
        SplitStats stats = manifest.splits().get(split);
        limit.check("split " + split + " of " + root, corruptRows, firstIds, stats == null ? 0 : stats.samples());
    }

    /** A decoder for this dataset's class table. */
    public RowDecoder decoder(Normalization normalization) {
        return new RowDecoder(normalization, manifest.classTable().numClasses(), manifest.classTable().ignoreLabel());
    }

    /** Decoded samples of one split, produced on executors (never collected). */
    public JavaRDD<TensorSample> samples(String split, Normalization normalization) {
        RowDecoder decoder = decoder(normalization);
        return rows(split).javaRDD().mapPartitions(decoder::decode);
    }
}
