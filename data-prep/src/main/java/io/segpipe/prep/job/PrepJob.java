package io.segpipe.prep.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.segpipe.prep.Json;
import io.segpipe.prep.fs.AtomicFs;
import io.segpipe.prep.fs.CompletionMarker;
import io.segpipe.prep.fs.SerializableHadoopConf;
import io.segpipe.prep.layout.Listing;
import io.segpipe.prep.layout.SourcePair;
import io.segpipe.prep.progress.JobDescription;
import io.segpipe.prep.progress.SparkProgress;
import io.segpipe.prep.schema.ClassWeights;
import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.schema.QuarantineEntry;
import io.segpipe.prep.schema.ShardFile;
import io.segpipe.prep.schema.ShardSchema;
import io.segpipe.prep.schema.SplitStats;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The prep job. Steps:
 * <ol>
 * <li>check the output (exists and not {@code overwrite}: fail before any work);</li>
 * <li>list pairs on the driver (metadata only) and assign splits;</li>
 * <li>on executors, in one Spark job, read, decode, validate and encode each pair; write one Parquet
 * shard per task ({@link ShardWriter}), partitioned by split, into a hidden temporary sibling of
 * the output; split and class statistics of the written rows, and the rejected files, go to
 * accumulators;</li>
 * <li>fail if the bad fraction is above {@code maxBadFraction}, naming the first bad files;</li>
 * <li>write the quarantine listing, then the manifest (listing every shard with its rows, length and
 * CRC32C), then the {@link CompletionMarker} last, then move the directory into place atomically
 * ({@link AtomicFs#publishDirectory}).</li>
 * </ol>
 * Every Spark job it starts is described ({@link JobDescription}); the shard job logs a progress
 * line with rate and ETA as its partitions finish and at least every 30 s ({@link SparkProgress}).
 * Re-running on the same input gives the same ids, splits, rows and content hashes.
 */
public final class PrepJob {

    private static final Logger LOG = LoggerFactory.getLogger(PrepJob.class);
    private static final int FIRST_BAD_SHOWN = 5;
    /** The kind its {@link CompletionMarker} names. */
    public static final String MARKER_KIND = "dataset";

    private PrepJob() {
    }

    /**
     * Runs the job.
     *
     * @throws IOException              on file-system failures or when the output exists and overwrite is false
     * @throws IllegalArgumentException on empty input, or when the bad fraction exceeds {@code maxBadFraction}
     */
    public static PrepResult run(PrepConfig config, SparkSession spark) throws IOException {
        try (JobDescription described = JobDescription.set(spark.sparkContext(), "segpipe prep")) {
            return prepare(config, spark);
        }
    }

    private static PrepResult prepare(PrepConfig config, SparkSession spark) throws IOException {
        long start = System.nanoTime();
        Map<String, Long> phases = new LinkedHashMap<>();
        Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
        Path requested = new Path(config.output());
        FileSystem outFs = requested.getFileSystem(hadoopConf);
        Path output = outFs.makeQualified(requested);
        AtomicFs.requireWritable(outFs, output, config.overwrite());

        long t = System.nanoTime();
        Listing listing = config.input().list(hadoopConf);
        if (listing.inputs() == 0) {
            throw new IllegalArgumentException("empty input: " + config.input().describe() + " has no image or label files");
        }
        if (listing.pairs().isEmpty()) {
            throw new IllegalArgumentException("no image/label pairs in " + config.input().describe() + ": "
                    + listing.unpaired().size() + " files could not be paired, first: " + first(listing.unpaired()));
        }
        List<SourcePair> pairs = shardOrder(assignSplits(listing.pairs(), config.split()));
        phases.put("list", millisSince(t));
        LOG.info("Prep {}: {} pairs, {} unpaired files -> {}", config.input().describe(), pairs.size(),
                listing.unpaired().size(), output);

        Path staging = AtomicFs.tempSibling(output);
        boolean published = false;
        try {
            t = System.nanoTime();
            Path data = new Path(staging, DatasetManifest.DATA_DIR);
            Written written = writeShards(config, spark, pairs, data);
            phases.put("process+write", millisSince(t));

            TreeSet<QuarantineEntry> quarantine = new TreeSet<>(listing.unpaired());
            quarantine.addAll(written.rejected());
            Map<String, SplitStats> splits = written.splits();
            long samples = splits.values().stream().mapToLong(SplitStats::samples).sum();
            long bad = listing.inputs() - samples;
            if (bad != quarantine.size()) {
                LOG.warn("{} inputs were not written but the quarantine lists {} files (shared label files?)", bad,
                        quarantine.size());
            }
            checkBadFraction(config, listing.inputs(), bad, quarantine);

            t = System.nanoTime();
            List<QuarantineEntry> quarantineList = new ArrayList<>(quarantine);
            writeQuarantine(outFs, new Path(staging, DatasetManifest.QUARANTINE_FILE), quarantineList);
            DatasetManifest manifest = manifest(config, splits, samples, quarantineList.size(), written.shards());
            manifest.write(outFs, staging, false);
            marker(config, listing.inputs(), manifest).write(outFs, staging);
            AtomicFs.publishDirectory(outFs, staging, output, config.overwrite());
            published = true;
            phases.put("publish", millisSince(t));
            long total = millisSince(start);
            LOG.info("Prepared {} samples {} ({} quarantined) in {} ms -> {}", samples,
                    splits.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().samples()).collect(Collectors.joining(", ")),
                    quarantineList.size(), total, output);
            return new PrepResult(output.toString(), listing.inputs(), samples, quarantineList, manifest, phases, total);
        } finally {
            if (!published) {
                AtomicFs.deleteAfterFailure(outFs, staging);
            }
        }
    }

    /** Keeps the layout's split, or assigns one by hash of the id. */
    static List<SourcePair> assignSplits(List<SourcePair> pairs, SplitSpec split) {
        List<SourcePair> out = new ArrayList<>(pairs.size());
        for (SourcePair p : pairs) {
            out.add(p.split() != null ? p : p.withSplit(split.assign(p.id())));
        }
        return out;
    }

    /**
     * Orders pairs by a hash of the id, so that the contiguous slices that become shards each hold
     * a deterministic, well-mixed sample (CamVid ids, for example, are grouped by video sequence).
     */
    static List<SourcePair> shardOrder(List<SourcePair> pairs) {
        List<SourcePair> sorted = new ArrayList<>(pairs);
        sorted.sort(Comparator.comparingDouble((SourcePair p) -> SplitSpec.unitHash(0L, "shard:" + p.id()))
                .thenComparing(SourcePair::id));
        return sorted;
    }

    /**
     * One Spark job writes every split to {@code data/split=<name>/part-<shard>.parquet} and gathers
     * the statistics of what it writes. Each task holds the pairs of one split only and writes them
     * as one shard file ({@link ShardWriter}); a task whose pairs are all rejected writes none. The
     * tasks return their shards' manifest entries (collected: one result per partition, from the
     * attempt that succeeded), which must account for exactly the rows the statistics counted.
     */
    private static Written writeShards(PrepConfig config, SparkSession spark, List<SourcePair> pairs, Path data) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        CollectionAccumulator<QuarantineEntry> rejected = spark.sparkContext().collectionAccumulator("segpipe prep quarantine");
        SplitStatsAccumulator stats = new SplitStatsAccumulator(config.classes().numClasses());
        spark.sparkContext().register(stats, "segpipe prep statistics");
        SerializableHadoopConf hadoopConf = new SerializableHadoopConf(new Configuration(spark.sparkContext().hadoopConfiguration()));
        ShardTask task = new ShardTask(new SampleProcessor(config, hadoopConf), rejected, stats, hadoopConf, data.toString(),
                config.compression(), config.rowGroupBytes());
        List<SplitShard> written;
        try (JobDescription described = JobDescription.set(spark.sparkContext(),
                "segpipe prep: decode, validate and write " + pairs.size() + " pairs");
             SparkProgress progress = SparkProgress.builder(spark.sparkContext(), "segpipe prep", "pairs")
                     .total(pairs.size()).output(LOG::info).start()) {
            written = progress.counted(splitSlices(jsc, pairs, config.shardCount())).mapPartitions(task::write).collect();
        }
        Map<String, SplitStats> splits = new TreeMap<>();
        stats.value().forEach((split, acc) -> splits.put(split, acc.toStats()));
        Map<String, List<ShardFile>> shards = new TreeMap<>();
        for (SplitShard s : written) {
            shards.computeIfAbsent(s.split(), k -> new ArrayList<>()).add(s.file());
        }
        requireShardsMatchStatistics(shards, splits);
        return new Written(splits, new ArrayList<>(rejected.value()), shards);
    }

    /** The shards of each split hold exactly the rows its statistics counted (else an accumulator double-counted). */
    private static void requireShardsMatchStatistics(Map<String, List<ShardFile>> shards, Map<String, SplitStats> splits) {
        for (String split : union(shards.keySet(), splits.keySet())) {
            long rows = shards.getOrDefault(split, List.of()).stream().mapToLong(ShardFile::rows).sum();
            long counted = splits.containsKey(split) ? splits.get(split).samples() : 0;
            if (rows != counted) {
                throw new IllegalStateException("split " + split + ": the shards written hold " + rows
                        + " rows but the statistics counted " + counted + "; not publishing an inconsistent dataset");
            }
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * What one task does: process its pairs, send rejects and statistics to the accumulators, and
     * write the valid samples as one shard. Only successful task attempts report accumulator
     * updates; duplicate rejects from re-executed stages are removed by a TreeSet on the driver.
     */
    private record ShardTask(SampleProcessor processor, CollectionAccumulator<QuarantineEntry> rejected,
                             SplitStatsAccumulator stats, SerializableHadoopConf conf, String dataDir, String compression,
                             long rowGroupBytes) implements java.io.Serializable {

        /** Writes the task's shard and returns its manifest entry, or nothing when every pair was rejected. */
        Iterator<SplitShard> write(Iterator<SourcePair> pairs) throws IOException {
            ShardWriter writer = null;
            String split = null;
            try {
                while (pairs.hasNext()) {
                    SampleProcessor.Outcome o = processor.process(pairs.next());
                    if (o.rejected() != null) {
                        rejected.add(o.rejected());
                        continue;
                    }
                    if (writer == null) {
                        split = o.sample().split();
                        Path shard = ShardWriter.shardPath(new Path(dataDir), split, TaskContext.getPartitionId());
                        writer = ShardWriter.open(shard, conf.get(), compression, rowGroupBytes);
                    }
                    writer.write(o.sample());
                    stats.add(o.sample());
                }
                return writer == null ? Collections.emptyIterator()
                        : List.of(new SplitShard(split, writer.commit())).iterator();
            } finally {
                if (writer != null) {
                    writer.close();
                }
            }
        }
    }

    /** What {@link #writeShards} wrote: statistics per split, the rejected pairs, and the shards per split. */
    private record Written(Map<String, SplitStats> splits, List<QuarantineEntry> rejected,
                           Map<String, List<ShardFile>> shards) {
    }

    /** A shard a task wrote, with its split. */
    private record SplitShard(String split, ShardFile file) implements java.io.Serializable {
    }

    /**
     * The pairs as one RDD whose partitions are the shards: each split in at most {@code shardCount}
     * contiguous slices, so a partition never mixes splits.
     */
    private static JavaRDD<SourcePair> splitSlices(JavaSparkContext jsc, List<SourcePair> pairs, int shardCount) {
        Map<String, List<SourcePair>> bySplit = pairs.stream()
                .collect(Collectors.groupingBy(SourcePair::split, TreeMap::new, Collectors.toList()));
        List<JavaRDD<SourcePair>> slices = new ArrayList<>();
        for (List<SourcePair> split : bySplit.values()) {
            slices.add(jsc.parallelize(split, Math.min(shardCount, split.size())));
        }
        return jsc.union(slices.toArray(JavaRDD[]::new));
    }

    private static void checkBadFraction(PrepConfig config, long inputs, long bad, TreeSet<QuarantineEntry> quarantine) {
        double fraction = (double) bad / inputs;
        if (bad > 0) {
            LOG.warn("{} of {} inputs quarantined ({}), first: {}", bad, inputs, percent(fraction), first(quarantine));
        }
        if (fraction > config.maxBadFraction()) {
            throw new IllegalArgumentException(bad + " of " + inputs + " input files are bad (" + percent(fraction)
                    + "), above maxBadFraction " + config.maxBadFraction() + "; first bad files: " + first(quarantine));
        }
    }

    private static DatasetManifest manifest(PrepConfig config, Map<String, SplitStats> splits, long samples, long quarantined,
                                            Map<String, List<ShardFile>> shards) {
        int k = config.classes().numClasses();
        ClassWeights weights = splits.containsKey("train")
                ? ClassWeights.compute("train", splits.get("train"))
                : ClassWeights.compute("all", SplitStats.sum(new ArrayList<>(splits.values()), k));
        return new DatasetManifest(DatasetManifest.FORMAT, ShardSchema.VERSION, Instant.now().toString(),
                config.input().describe(), DatasetManifest.DATA_DIR, DatasetManifest.QUARANTINE_FILE, samples, quarantined,
                splits, config.classes(), weights, Json.mapper().valueToTree(config), shards, CompletionMarker.FILE_NAME);
    }

    /** The dataset's completion marker: its counts and what it was prepared from. */
    private static CompletionMarker marker(PrepConfig config, long inputs, DatasetManifest manifest) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("inputs", inputs);
        counts.put("samples", manifest.samples());
        counts.put("quarantined", manifest.quarantined());
        return CompletionMarker.of(MARKER_KIND, CompletionMarker.newRunId(), Instant.now(), counts,
                Map.of("source", config.input().describe()));
    }

    /** JSON lines, one {@link QuarantineEntry} per line (empty file when nothing was rejected). */
    private static void writeQuarantine(FileSystem fs, Path file, List<QuarantineEntry> entries) throws IOException {
        ObjectWriter line = Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT);
        AtomicFs.writeFile(fs, file, false, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            for (QuarantineEntry e : entries) {
                try {
                    w.write(line.writeValueAsString(e));
                } catch (JsonProcessingException ex) {
                    throw new IllegalStateException("cannot serialise quarantine entry " + e, ex);
                }
                w.write('\n');
            }
            w.flush();
        });
    }

    private static String first(java.util.Collection<QuarantineEntry> entries) {
        String shown = entries.stream().limit(FIRST_BAD_SHOWN).map(QuarantineEntry::toString).collect(Collectors.joining("; "));
        return entries.size() > FIRST_BAD_SHOWN ? shown + "; ... (" + (entries.size() - FIRST_BAD_SHOWN) + " more)" : shown;
    }

    private static String percent(double fraction) {
        return String.format(java.util.Locale.ROOT, "%.2f%%", 100 * fraction);
    }

    private static long millisSince(long nanoStart) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoStart);
    }
}
