package io.segpipe.it;

import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.schema.QuarantineEntry;
import io.segpipe.prep.schema.ShardSchema;
import io.segpipe.prep.schema.SplitStats;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.it.fixture.EventLog;
import io.segpipe.it.fixture.SparkStandaloneCluster;
import io.segpipe.prep.Json;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks on what a cluster run left: datasets, quarantine, and which executors did the work. */
final class DatasetAssertions {
    private DatasetAssertions() {
    }

    static FileSystem fs(String path) throws IOException {
        return new Path(path).getFileSystem(new Configuration());
    }

    /** The manifest of the dataset at {@code output}. */
    static DatasetManifest manifest(String output) throws IOException {
        FileSystem fs = fs(output);
        return DatasetManifest.read(fs, new Path(output));
    }

    /** The quarantine listing of the dataset at {@code output}, one entry per line. */
    static List<QuarantineEntry> quarantine(String output) throws IOException {
        FileSystem fs = fs(output);
        List<QuarantineEntry> out = new ArrayList<>();
        try (FSDataInputStream in = fs.open(new Path(output, DatasetManifest.QUARANTINE_FILE))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    out.add(Json.read(line, QuarantineEntry.class));
                }
            }
        }
        return out;
    }

    /**
     * The dataset prep made from a synthetic input holds exactly the expected samples per split,
     * with the source files' bytes, and its manifest states the same counts and pixel statistics.
     */
    static void assertSyntheticDataset(String output, String inputRoot, SyntheticExpectations expected) throws IOException {
        DatasetManifest m = manifest(output);
        assertEquals(DatasetManifest.FORMAT, m.format());
        assertEquals(ShardSchema.VERSION, m.schemaVersion());
        assertEquals(expected.total(), m.samples(), "manifest samples");
        assertEquals(0, m.quarantined(), "manifest quarantined");
        assertEquals(expected.idsBySplit().keySet(), m.splits().keySet(), "splits");
        assertEquals(Json.write(SyntheticDatasetGenerator.classTable()), Json.write(m.classTable()), "class table");
        assertTrue(m.source().contains(inputRoot), "manifest source " + m.source() + " names the input " + inputRoot);
        for (Map.Entry<String, SplitStats> e : m.splits().entrySet()) {
            String split = e.getKey();
            SplitStats s = e.getValue();
            assertEquals(expected.samples(split), s.samples(), split + " samples");
            assertEquals(expected.samples(split) * expected.height() * expected.width(), s.pixels(), split + " pixels");
            assertEquals(expected.ignorePixelsBySplit().getOrDefault(split, 0L), s.ignorePixels(), split + " ignored pixels");
            assertEquals(Arrays.stream(expected.classPixelsBySplit().get(split)).boxed().toList(), s.classPixels(),
                    split + " pixels per class");
        }
        assertEquals(List.of(), quarantine(output), "quarantine listing");

        // The rows themselves, read back with Spark: ids per split, and the stored bytes are the source files'.
        PreppedDataset data = PreppedDataset.open(LocalSpark.session(), output);
        List<Row> rows = data.rows().select(ShardSchema.ID, ShardSchema.SPLIT, ShardSchema.IMAGE, ShardSchema.LABEL,
                ShardSchema.IMAGE_PATH, ShardSchema.LABEL_PATH).collectAsList();
        Map<String, List<String>> idsBySplit = new TreeMap<>();
        FileSystem inFs = fs(inputRoot);
        for (Row r : rows) {
            idsBySplit.computeIfAbsent(r.getString(1), x -> new ArrayList<>()).add(r.getString(0));
            assertArrayEquals(readAll(inFs, r.getString(4)), (byte[]) r.get(2), "image bytes of " + r.getString(0));
            assertArrayEquals(readAll(inFs, r.getString(5)), (byte[]) r.get(3), "label bytes of " + r.getString(0));
        }
        idsBySplit.values().forEach(l -> l.sort(null));
        assertEquals(expected.idsBySplit(), idsBySplit, "sample ids per split in the Parquet shards");

        // Nothing half-written beside the published dataset.
        assertEquals(List.of(), stagingSiblings(output), "temporary siblings left next to " + output);
    }

    /** Hidden temporary or backup siblings ({@code .name.tmp-*}, {@code .name.old-*}) of {@code path}. */
    static List<String> stagingSiblings(String path) throws IOException {
        Path p = new Path(path);
        FileSystem fs = fs(path);
        List<String> out = new ArrayList<>();
        for (FileStatus s : fs.listStatus(p.getParent())) {
            String name = s.getPath().getName();
            if (name.startsWith("." + p.getName() + ".")) {
                out.add(name);
            }
        }
        return out;
    }

    /**
     * Both executors of the two-worker cluster ran successful tasks for this application, each on
     * its own Worker (the Worker created the executor's directory).
     */
    static void assertBothExecutorsWorked(EventLog log, SparkStandaloneCluster cluster) {
        Map<String, Integer> tasks = log.successfulTasksByExecutor();
        assertEquals(2, tasks.size(), "executors with successful tasks: " + tasks + " (added: " + log.executorsAdded() + ")");
        tasks.forEach((executor, n) -> assertTrue(n > 0, "executor " + executor + " ran " + n + " tasks"));
        String appId = log.appId();
        for (SparkStandaloneCluster.Worker w : cluster.workers()) {
            List<java.nio.file.Path> dirs = cluster.executorDirs(w.index(), appId);
            assertEquals(1, dirs.size(), "executor directories of " + appId + " on worker " + w.index() + ": " + dirs);
            assertTrue(tasks.containsKey(dirs.get(0).getFileName().toString()),
                    "worker " + w.index() + " ran executor " + dirs.get(0).getFileName() + ", which ran tasks: " + tasks);
        }
    }

    private static byte[] readAll(FileSystem fs, String path) throws IOException {
        try (FSDataInputStream in = fs.open(new Path(path))) {
            return in.readAllBytes();
        }
    }
}
