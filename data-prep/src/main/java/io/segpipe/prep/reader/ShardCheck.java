package io.segpipe.prep.reader;

import io.segpipe.prep.InvalidInputException;
import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.schema.ShardFile;
import io.segpipe.prep.schema.ShardSchema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Checks that a dataset's data folder holds exactly the shards its manifest lists
 * ({@link DatasetManifest#shards}), before any work: every listed shard present, with its length
 * and, from its Parquet footer, its row count; nothing else visible where Spark would read it (an
 * unlisted shard or split folder would add rows no statistic accounts for). Costs one listing per
 * split and one footer read per shard. A failure names the split, every problem found and what was
 * found against what the manifest lists, in one message.
 */
final class ShardCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ShardCheck.class);

    private ShardCheck() {
    }

    /**
     * Fails unless the shards match the manifest; a manifest written before shards were listed only
     * gets a warning, since there is nothing to check against.
     *
     * @throws InvalidInputException naming the problems when shards are missing, unlisted, or differ in length or rows
     */
    static void verify(FileSystem fs, Path root, DatasetManifest manifest, Configuration conf) throws IOException {
        if (manifest.shards() == null) {
            LOG.warn("Dataset at {} was prepared before manifests listed their shards: whether all of its data is present"
                    + " cannot be checked; prepare it again to get the check", root);
            return;
        }
        Path data = new Path(root, manifest.dataDir());
        List<String> failures = new ArrayList<>();
        for (String stray : strayEntries(fs, data, manifest)) {
            failures.add("dataset at " + root + ": " + manifest.dataDir() + "/" + stray + " is not listed in the manifest");
        }
        for (Map.Entry<String, List<ShardFile>> split : manifest.shards().entrySet()) {
            checkSplit(fs, root, data, split.getKey(), split.getValue(), conf).ifPresent(failures::add);
        }
        if (!failures.isEmpty()) {
            throw new InvalidInputException(String.join("; and ", failures));
        }
    }

    /**
     * Reads every listed shard whole and compares its CRC32C with the manifest's.
     *
     * @throws InvalidInputException naming each shard whose bytes differ
     * @throws IllegalStateException when the manifest lists no shards (written before they were listed)
     */
    static void verifyChecksums(FileSystem fs, Path root, DatasetManifest manifest) throws IOException {
        if (manifest.shards() == null) {
            throw new IllegalStateException("dataset at " + root + " was prepared before manifests listed their shards:"
                    + " it has no checksums to verify; prepare it again");
        }
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, List<ShardFile>> split : manifest.shards().entrySet()) {
            for (ShardFile shard : split.getValue()) {
                Path file = splitDir(new Path(root, manifest.dataDir()), split.getKey(), shard.file());
                String where = "split " + split.getKey() + " of " + root + ": shard " + shard.file();
                try {
                    String actual = crc32c(fs, file);
                    if (!actual.equals(shard.crc32c())) {
                        failures.add(where + " has CRC32C " + actual + ", the manifest says " + shard.crc32c());
                    }
                } catch (ChecksumException e) {
                    // The local file system keeps its own checksums beside the file and finds the change first.
                    failures.add(where + " fails the file system's checksum: " + e.getMessage());
                } catch (FileNotFoundException e) {
                    failures.add(where + " is missing");
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new InvalidInputException(String.join("; and ", failures));
        }
    }

    /** Visible entries of the data folder other than the listed splits' folders. */
    private static List<String> strayEntries(FileSystem fs, Path data, DatasetManifest manifest) throws IOException {
        List<String> stray = new ArrayList<>();
        for (FileStatus s : visible(fs, data).values()) {
            String name = s.getPath().getName();
            String prefix = ShardSchema.SPLIT + "=";
            if (!s.isDirectory() || !name.startsWith(prefix) || !manifest.shards().containsKey(name.substring(prefix.length()))) {
                stray.add(name);
            }
        }
        return stray;
    }

    /** The problems of one split, as one message, or empty when its folder is exactly what the manifest lists. */
    private static Optional<String> checkSplit(FileSystem fs, Path root, Path data, String split,
                                                         List<ShardFile> listed, Configuration conf) throws IOException {
        Map<String, FileStatus> found = visible(fs, new Path(data, ShardSchema.SPLIT + "=" + split));
        List<String> problems = new ArrayList<>();
        Map<String, Long> rowsFound = new TreeMap<>();
        for (FileStatus s : found.values()) {
            rowsFound.put(s.getPath().getName(), s.isFile() ? footerRows(s, conf) : -1L);
        }
        for (ShardFile shard : listed) {
            FileStatus s = found.get(shard.file());
            Long rows = rowsFound.get(shard.file());
            if (s == null) {
                problems.add("shard " + shard.file() + " is missing");
            } else if (s.getLen() != shard.bytes()) {
                problems.add("shard " + shard.file() + " is " + s.getLen() + " bytes, the manifest says " + shard.bytes());
            } else if (rows < 0) {
                problems.add("shard " + shard.file() + " is not a readable Parquet file");
            } else if (rows != shard.rows()) {
                problems.add("shard " + shard.file() + " has " + rows + " rows, the manifest says " + shard.rows());
            }
        }
        List<String> names = listed.stream().map(ShardFile::file).toList();
        for (String name : found.keySet()) {
            if (!names.contains(name)) {
                problems.add((found.get(name).isDirectory() ? "folder " : "shard ") + name + " is not listed in the manifest");
            }
        }
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        long listedRows = listed.stream().mapToLong(ShardFile::rows).sum();
        long foundRows = rowsFound.values().stream().mapToLong(r -> Math.max(r, 0)).sum();
        return Optional.of("split " + split + " of " + root + ": " + String.join("; ", problems)
                + " (the manifest lists " + count(listed.size(), "shard") + ", " + listedRows + " rows; "
                + count(found.size(), "shard") + " with " + foundRows + " rows found)");
    }

    /** Row count from the Parquet footer, or -1 when the file has no readable footer (truncated, not Parquet). */
    private static long footerRows(FileStatus file, Configuration conf) {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(file, conf))) {
            return reader.getRecordCount();
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} has no readable Parquet footer: {}", file.getPath(), e.toString());
            return -1;
        }
    }

    /** Entries of {@code dir} that Spark would read (not hidden by a '.' or '_' prefix), by name; none if it is missing. */
    private static Map<String, FileStatus> visible(FileSystem fs, Path dir) throws IOException {
        Map<String, FileStatus> out = new TreeMap<>();
        FileStatus[] all;
        try {
            all = fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            return out;
        }
        for (FileStatus s : all) {
            String name = s.getPath().getName();
            if (!name.startsWith(".") && !name.startsWith("_")) {
                out.put(name, s);
            }
        }
        return out;
    }

    private static Path splitDir(Path data, String split, String file) {
        return new Path(new Path(data, ShardSchema.SPLIT + "=" + split), file);
    }

    private static String crc32c(FileSystem fs, Path file) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[1 << 16];
        try (FSDataInputStream in = fs.open(file)) {
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                crc.update(buf, 0, n);
            }
        }
        return ShardFile.hex(crc);
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
