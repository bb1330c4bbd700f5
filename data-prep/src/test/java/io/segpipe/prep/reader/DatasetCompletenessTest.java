package io.segpipe.prep.reader;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segpipe.prep.Json;
import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.job.PrepJob;
import io.segpipe.prep.job.PrepResult;
import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.schema.ShardFile;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.TinyDatasets;
import org.apache.commons.io.FileUtils;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The manifest lists every shard with its rows, length and CRC32C, and opening a dataset fails,
 * naming the split and each problem, when the shards on disk are not exactly those.
 */
@ExtendWith(LocalSpark.class)
class DatasetCompletenessTest {

    private static final String SPLIT = "train";

    @TempDir
    static Path tmp;
    private static PrepResult prepared;
    private static List<ShardFile> train;

    @BeforeAll
    static void prepare() throws Exception {
        prepared = PrepJob.run(PrepConfig.builder().input(TinyDatasets.synthetic(tmp.resolve("in"), 16, 16, 3))
                .output(tmp.resolve("ds").toString()).classes(SyntheticDatasetGenerator.classTable()).shardCount(3).build(),
                LocalSpark.session());
        train = prepared.manifest().shards().get(SPLIT);
        assertTrue(train.size() >= 2, "the tests need at least two train shards: " + train);
    }

    @Test
    void theManifestListsEveryShardWithItsRowsLengthAndChecksum() throws Exception {
        DatasetManifest m = DatasetManifest.read(org.apache.hadoop.fs.FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(prepared.output()));
        assertEquals(prepared.manifest().shards(), m.shards(), "shards round-trip through manifest.json");
        assertEquals(m.splits().keySet(), m.shards().keySet());
        for (String split : m.shards().keySet()) {
            Path dir = tmp.resolve("ds/data/split=" + split);
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(files.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList(),
                        m.shards().get(split).stream().map(ShardFile::file).toList(), split);
            }
            long rows = 0;
            for (ShardFile shard : m.shards().get(split)) {
                Path file = dir.resolve(shard.file());
                assertEquals(Files.size(file), shard.bytes(), shard.file());
                assertEquals(crc32c(file), shard.crc32c(), shard.file());
                assertEquals(LocalSpark.session().read().parquet(file.toString()).count(), shard.rows(), shard.file());
                rows += shard.rows();
            }
            assertEquals(m.splits().get(split).samples(), rows, split);
        }
        PreppedDataset.open(LocalSpark.session(), prepared.output()).verifyChecksums();
    }

    @Test
    void aMissingShardIsNamedWithWhatWasFound() throws Exception {
        Path d = copy("missing");
        ShardFile gone = train.get(0);
        Files.delete(shard(d, gone));
        assertEquals(prefix(d) + "shard " + gone.file() + " is missing (the manifest lists " + train.size() + " shards, "
                + rows(train) + " rows; " + shards(train.size() - 1) + " with " + (rows(train) - gone.rows())
                + " rows found)", openFailure(d));
    }

    @Test
    void anUnlistedShardIsNamed() throws Exception {
        Path d = copy("unlisted");
        ShardFile first = train.get(0);
        Files.copy(shard(d, first), shard(d, first).resolveSibling("part-00099.parquet"));
        assertEquals(prefix(d) + "shard part-00099.parquet is not listed in the manifest (the manifest lists "
                + train.size() + " shards, " + rows(train) + " rows; " + shards(train.size() + 1) + " with "
                + (rows(train) + first.rows()) + " rows found)", openFailure(d));
    }

    @Test
    void aRenamedShardIsMissingAndUnlistedInOneMessage() throws Exception {
        Path d = copy("renamed");
        ShardFile first = train.get(0);
        Files.move(shard(d, first), shard(d, first).resolveSibling("part-00077.parquet"));
        assertEquals(prefix(d) + "shard " + first.file() + " is missing; shard part-00077.parquet is not listed in the"
                + " manifest (the manifest lists " + train.size() + " shards, " + rows(train) + " rows; "
                + shards(train.size()) + " with " + rows(train) + " rows found)", openFailure(d));
    }

    @Test
    void aFooterRowCountOtherThanTheManifestsIsNamed() throws Exception {
        Path d = copy("rows");
        ShardFile first = train.get(0);
        ObjectNode m = (ObjectNode) Json.mapper().readTree(d.resolve(DatasetManifest.FILE_NAME).toFile());
        ((ObjectNode) m.get("shards").get(SPLIT).get(0)).put("rows", first.rows() + 1);
        writeManifest(d, m);
        assertEquals(prefix(d) + "shard " + first.file() + " has " + first.rows() + " rows, the manifest says "
                + (first.rows() + 1) + " (the manifest lists " + train.size() + " shards, " + (rows(train) + 1) + " rows; "
                + shards(train.size()) + " with " + rows(train) + " rows found)", openFailure(d));
    }

    @Test
    void aTruncatedShardIsNamedByItsLength() throws Exception {
        Path d = copy("truncated");
        ShardFile first = train.get(0);
        try (RandomAccessFile f = new RandomAccessFile(shard(d, first).toFile(), "rw")) {
            f.setLength(first.bytes() / 2);
        }
        assertEquals(prefix(d) + "shard " + first.file() + " is " + first.bytes() / 2 + " bytes, the manifest says "
                + first.bytes() + " (the manifest lists " + train.size() + " shards, " + rows(train) + " rows; "
                + shards(train.size()) + " with " + (rows(train) - first.rows()) + " rows found)", openFailure(d));
    }

    @Test
    void anUnlistedSplitFolderIsNamed() throws Exception {
        Path d = copy("strayfolder");
        FileUtils.copyDirectory(d.resolve("data/split=" + SPLIT).toFile(), d.resolve("data/split=extra").toFile());
        Files.writeString(d.resolve("data/notes.txt"), "not data", StandardCharsets.UTF_8);
        assertEquals("dataset at file:" + d + ": data/notes.txt is not listed in the manifest; and dataset at file:" + d
                + ": data/split=extra is not listed in the manifest", openFailure(d));
    }

    @Test
    void aChangedByteIsFoundByTheChecksumsOnly() throws Exception {
        Path d = copy("bitrot");
        ShardFile first = train.get(0);
        try (RandomAccessFile f = new RandomAccessFile(shard(d, first).toFile(), "rw")) {
            f.seek(first.bytes() / 3);
            int b = f.read();
            f.seek(first.bytes() / 3);
            f.write(b ^ 0x01);
        }
        PreppedDataset ds = PreppedDataset.open(LocalSpark.session(), d.toString());
        String local = assertThrows(IOException.class, ds::verifyChecksums).getMessage();
        assertTrue(local.startsWith(prefix(d) + "shard " + first.file() + " fails the file system's checksum: Checksum"
                + " error: "), local);
        // As after a copy that left Hadoop's local .crc files behind: only the manifest's CRC32C is left to see it.
        Files.delete(shard(d, first).resolveSibling("." + first.file() + ".crc"));
        IOException e = assertThrows(IOException.class, ds::verifyChecksums);
        assertEquals(prefix(d) + "shard " + first.file() + " has CRC32C " + crc32c(shard(d, first)) + ", the manifest says "
                + first.crc32c(), e.getMessage());
    }

    @Test
    void aDatasetPreparedBeforeShardsWereListedOpensWithoutTheCheck() throws Exception {
        Path d = copy("legacy");
        ObjectNode m = (ObjectNode) Json.mapper().readTree(d.resolve(DatasetManifest.FILE_NAME).toFile());
        m.remove("shards");
        writeManifest(d, m);
        Files.delete(shard(d, train.get(0))); // not detectable without the list
        PreppedDataset ds = PreppedDataset.open(LocalSpark.session(), d.toString());
        assertNull(ds.manifest().shards());
        assertEquals(prepared.samples() - train.get(0).rows(), ds.rows().count());
        IllegalStateException e = assertThrows(IllegalStateException.class, ds::verifyChecksums);
        assertEquals("dataset at file:" + d + " was prepared before manifests listed their shards: it has no checksums to"
                + " verify; prepare it again", e.getMessage());
    }

    @Test
    void corruptRowsAreCheckedAgainstTheSplitSizeTheManifestGives() throws Exception {
        PreppedDataset ds = PreppedDataset.open(LocalSpark.session(), prepared.output());
        long rows = prepared.manifest().splits().get(SPLIT).samples();
        ds.checkCorruptRows(SPLIT, List.of(), new CorruptRowLimit(0));
        ds.checkCorruptRows(SPLIT, List.of("s1"), new CorruptRowLimit(1.0 / rows));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ds.checkCorruptRows(SPLIT, List.of("s1", "s2"), new CorruptRowLimit(1.0 / rows)));
        assertTrue(e.getMessage().startsWith("split train of " + prepared.output() + ": 2 of " + rows + " rows are corrupt"),
                e.getMessage());
    }

    private static Path copy(String name) throws IOException {
        Path dst = tmp.resolve(name);
        FileUtils.copyDirectory(tmp.resolve("ds").toFile(), dst.toFile());
        return dst;
    }

    private static Path shard(Path dataset, ShardFile shard) {
        return dataset.resolve("data/split=" + SPLIT).resolve(shard.file());
    }

    private static String prefix(Path dataset) {
        return "split " + SPLIT + " of file:" + dataset + ": ";
    }

    private static String openFailure(Path dataset) {
        return assertThrows(IOException.class, () -> PreppedDataset.open(LocalSpark.session(), dataset.toString()))
                .getMessage();
    }

    private static void writeManifest(Path dataset, ObjectNode manifest) throws IOException {
        Files.writeString(dataset.resolve(DatasetManifest.FILE_NAME), manifest.toString(), StandardCharsets.UTF_8);
        Files.deleteIfExists(dataset.resolve(".manifest.json.crc"));
    }

    private static long rows(List<ShardFile> shards) {
        return shards.stream().mapToLong(ShardFile::rows).sum();
    }

    private static String shards(int n) {
        return n + (n == 1 ? " shard" : " shards");
    }

    private static String crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(Files.readAllBytes(file));
        return ShardFile.hex(crc);
    }
}
