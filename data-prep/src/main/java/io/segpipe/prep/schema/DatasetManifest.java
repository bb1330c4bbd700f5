package io.segpipe.prep.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import io.segpipe.prep.Hashes;
import io.segpipe.prep.Json;
import io.segpipe.prep.InvalidInputException;
import io.segpipe.prep.fs.AtomicFs;
import io.segpipe.prep.fs.CompletionMarker;
import io.segpipe.prep.fs.HadoopFiles;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code manifest.json}: records what a dataset's data holds and how it was made. The prep job
 * writes it after the data and the quarantine, then the dataset's {@link CompletionMarker}
 * ({@link #completionMarker}); a directory without a manifest is not a dataset, and readers
 * accept one only with its marker (datasets prepared before markers existed have none: their
 * manifest, written last, is their completion signal).
 *
 * @param format          always {@value #FORMAT}
 * @param schemaVersion   {@link ShardSchema#VERSION} of the rows
 * @param createdAt       ISO-8601 UTC time the job finished
 * @param source          the input, as {@code InputSpec.describe()}
 * @param dataDir         Parquet directory relative to the dataset root, partitioned by {@code split=}
 * @param quarantineFile  quarantine listing (JSON lines of {@link QuarantineEntry}) relative to the root
 * @param samples         rows over all splits
 * @param quarantined     rejected input files
 * @param splits          per split: samples and pixel counts
 * @param classTable      classes, colours and ignore label the labels use
 * @param classWeights    loss weights from the train split (all splits if there is none)
 * @param prepConfig      the job configuration that produced the dataset, as JSON
 * @param shards          per split, every shard file of {@code dataDir/split=<name>} in name order, with its rows,
 *                        length and CRC32C ({@link ShardFile}): readers check the data against it before any work.
 *                        Null in manifests written before shards were listed; such datasets open without the check
 * @param completionMarker the completion marker the prep job writes after this manifest ({@value CompletionMarker#FILE_NAME}),
 *                        which readers then require. Null in manifests written before datasets had one
 */
public record DatasetManifest(String format, int schemaVersion, String createdAt, String source, String dataDir,
                              String quarantineFile, long samples, long quarantined, Map<String, SplitStats> splits,
                              ClassTable classTable, ClassWeights classWeights, JsonNode prepConfig,
                              Map<String, List<ShardFile>> shards, String completionMarker) {

    public static final String FORMAT = "segpipe-dataset";
    public static final String FILE_NAME = "manifest.json";
    public static final String DATA_DIR = "data";
    public static final String QUARANTINE_FILE = "quarantine.jsonl";

    @JsonCreator
    public DatasetManifest {
        splits = new TreeMap<>(splits);
        if (shards != null) {
            Map<String, List<ShardFile>> sorted = new TreeMap<>();
            shards.forEach((split, files) -> sorted.put(split, files.stream()
                    .sorted(Comparator.comparing(ShardFile::file)).toList()));
            shards = Collections.unmodifiableMap(sorted);
        }
    }

    /** A manifest without a completion marker, as written before datasets had one. */
    public DatasetManifest(String format, int schemaVersion, String createdAt, String source, String dataDir,
                           String quarantineFile, long samples, long quarantined, Map<String, SplitStats> splits,
                           ClassTable classTable, ClassWeights classWeights, JsonNode prepConfig,
                           Map<String, List<ShardFile>> shards) {
        this(format, schemaVersion, createdAt, source, dataDir, quarantineFile, samples, quarantined, splits, classTable,
                classWeights, prepConfig, shards, null);
    }

    /** A manifest without a shard list, as written before shards were listed. */
    public DatasetManifest(String format, int schemaVersion, String createdAt, String source, String dataDir,
                           String quarantineFile, long samples, long quarantined, Map<String, SplitStats> splits,
                           ClassTable classTable, ClassWeights classWeights, JsonNode prepConfig) {
        this(format, schemaVersion, createdAt, source, dataDir, quarantineFile, samples, quarantined, splits, classTable,
                classWeights, prepConfig, null);
    }

    /**
     * The hash that identifies a dataset in provenance and the model registry: SHA-256 (lower-case
     * hex) of its {@code manifest.json} text as UTF-8. The manifest is written last and records the
     * prep run that produced the dataset (time, source, configuration, counts, class statistics),
     * so each prep run's output has its own hash. Hash the text as read, never a re-serialised
     * manifest.
     */
    public static String sha256(String manifestJson) {
        return Hashes.sha256Hex(manifestJson);
    }

    /**
     * The number of samples of {@code split}, which must exist and hold at least one: the check
     * every job makes before it reads a split.
     *
     * @param field   the option that named the split, for the message (e.g. {@code trainSplit})
     * @param dataset where the dataset is, for the message
     * @throws IllegalArgumentException naming the option, the split and the splits there are
     */
    public long requireSamples(String field, String split, String dataset) {
        SplitStats stats = splits.get(split);
        if (stats == null) {
            throw new IllegalArgumentException(field + " " + split + ": dataset at " + dataset + " has no split " + split
                    + "; it has " + splits.keySet());
        }
        if (stats.samples() == 0) {
            throw new IllegalArgumentException("empty input: " + field + " " + split + " of dataset " + dataset
                    + " has no samples");
        }
        return stats.samples();
    }

    /** Writes {@code dir/manifest.json} atomically. */
    public void write(FileSystem fs, Path dir, boolean overwrite) throws IOException {
        AtomicFs.writeString(fs, new Path(dir, FILE_NAME), Json.write(this), overwrite);
    }

    /**
     * Reads the manifest of the dataset at {@code dir}.
     *
     * @throws FileNotFoundException naming the path when there is no complete dataset there
     */
    public static DatasetManifest read(FileSystem fs, Path dir) throws IOException {
        Path file = new Path(dir, FILE_NAME);
        String json;
        try {
            json = HadoopFiles.readString(fs, file);
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException("no complete segpipe dataset at " + fs.makeQualified(dir) + ": " + FILE_NAME
                    + " is missing (wrong path, or the prep job did not finish)");
        }
        DatasetManifest m = Json.read(json, DatasetManifest.class);
        if (!FORMAT.equals(m.format())) {
            throw new InvalidInputException(fs.makeQualified(file) + " is not a segpipe dataset manifest (format "
                    + m.format() + ")");
        }
        return m;
    }
}
