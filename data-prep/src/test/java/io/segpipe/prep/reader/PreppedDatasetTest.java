package io.segpipe.prep.reader;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segpipe.prep.Json;
import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.job.PrepJob;
import io.segpipe.prep.job.PrepResult;
import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.TinyDatasets;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reader refuses incomplete datasets, other schema versions and a wrong class count, before any work. */
@ExtendWith(LocalSpark.class)
class PreppedDatasetTest {

    @TempDir
    static Path tmp;
    private static PrepResult prepared;

    @BeforeAll
    static void prepare() throws Exception {
        prepared = PrepJob.run(PrepConfig.builder().input(TinyDatasets.synthetic(tmp.resolve("in"), 6, 16, 1))
                .output(tmp.resolve("ds").toString()).classes(SyntheticDatasetGenerator.classTable()).shardCount(1).build(),
                LocalSpark.session());
    }

    private static Path copy(String name) throws Exception {
        Path dst = tmp.resolve(name);
        FileUtils.copyDirectory(tmp.resolve("ds").toFile(), dst.toFile());
        return dst;
    }

    @Test
    void missingManifestMeansNoDataset() throws Exception {
        Path d = copy("nomanifest");
        Files.delete(d.resolve(DatasetManifest.FILE_NAME));
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> PreppedDataset.open(LocalSpark.session(), d.toString()));
        assertEquals("no complete segpipe dataset at file:" + d + ": manifest.json is missing (wrong path, or the prep job"
                + " did not finish)", e.getMessage());
    }

    @Test
    void otherSchemaVersionIsRefused() throws Exception {
        Path d = copy("v2");
        ObjectNode m = (ObjectNode) Json.mapper().readTree(d.resolve(DatasetManifest.FILE_NAME).toFile());
        m.put("schemaVersion", 2);
        Files.writeString(d.resolve(DatasetManifest.FILE_NAME), m.toString(), StandardCharsets.UTF_8);
        Files.deleteIfExists(d.resolve(".manifest.json.crc"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PreppedDataset.open(LocalSpark.session(), d.toString()));
        assertEquals("dataset at file:" + d + " has schema version 2 but this build reads version 1; prepare it again"
                + " with this version", e.getMessage());
    }

    @Test
    void unknownSplitNamesTheAvailableOnes() throws Exception {
        PreppedDataset ds = PreppedDataset.open(LocalSpark.session(), prepared.output());
        assertEquals(4, ds.manifest().classTable().numClasses());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ds.rows("tset"));
        assertTrue(e.getMessage().endsWith("has no split tset; it has " + ds.manifest().splits().keySet()), e.getMessage());
    }

    @Test
    void normalizationChannelMismatchIsReported() throws Exception {
        PreppedDataset ds = PreppedDataset.open(LocalSpark.session(), prepared.output());
        assertEquals(4, ds.manifest().classTable().numClasses());
        String split = ds.manifest().splits().keySet().iterator().next();
        Normalization twoChannels = new Normalization(1, List.of(0.0, 0.0), List.of(1.0));
        Exception e = assertThrows(Exception.class, () -> ds.samples(split, twoChannels).count());
        assertTrue(String.valueOf(e.getMessage()).contains("normalization has 2 mean and 1 std values but the image has 3"
                + " channels"), e.getMessage());
    }
}
