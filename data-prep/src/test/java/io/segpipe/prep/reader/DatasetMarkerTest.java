package io.segpipe.prep.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.commons.io.FileUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.segpipe.prep.InvalidInputException;
import io.segpipe.prep.Json;
import io.segpipe.prep.fs.CompletionMarker;
import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.job.PrepJob;
import io.segpipe.prep.job.PrepResult;
import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.TinyDatasets;

/**
 * Prep writes the completion marker last; the reader refuses a dataset whose manifest announces a
 * marker it does not have, and opens a dataset prepared before datasets had one.
 */
@ExtendWith(LocalSpark.class)
class DatasetMarkerTest {

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
    void prepWritesTheMarkerAfterTheManifestAndTheManifestAnnouncesIt() throws Exception {
        Path ds = tmp.resolve("ds");
        CompletionMarker marker = CompletionMarker.require(FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(ds.toUri()), "dataset");
        assertEquals(PrepJob.MARKER_KIND, marker.kind());
        assertEquals(Map.of("inputs", 6L, "quarantined", 0L, "samples", 6L), marker.counts());
        assertEquals(Map.of("source", prepared.manifest().source()), marker.inputs());
        assertEquals(CompletionMarker.FILE_NAME, prepared.manifest().completionMarker());
        assertEquals(CompletionMarker.FILE_NAME, DatasetManifest.read(FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(ds.toUri())).completionMarker(), "recorded in manifest.json");
    }

    @Test
    void aDatasetWithoutItsMarkerIsRefusedNamingThePathAndWhatToDo() throws Exception {
        Path d = copy("unmarked");
        Files.delete(d.resolve(CompletionMarker.FILE_NAME));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> PreppedDataset.open(LocalSpark.session(), d.toString()));
        assertEquals("dataset file:" + d + " is not complete: it has no _segpipe_complete.json (it is being written, or the"
                + " run writing it did not finish); prepare it again with segpipe prep, or point at a complete dataset",
                e.getMessage());
    }

    @Test
    void aDatasetPreparedBeforeMarkersOpensOnItsManifest() throws Exception {
        Path d = copy("legacy");
        Files.delete(d.resolve(CompletionMarker.FILE_NAME));
        ObjectNode m = (ObjectNode) Json.mapper().readTree(d.resolve(DatasetManifest.FILE_NAME).toFile());
        m.remove("completionMarker");
        Files.writeString(d.resolve(DatasetManifest.FILE_NAME), m.toString(), StandardCharsets.UTF_8);
        Files.deleteIfExists(d.resolve(".manifest.json.crc"));
        PreppedDataset legacy = PreppedDataset.open(LocalSpark.session(), d.toString());
        assertNull(legacy.manifest().completionMarker());
        assertEquals(6, legacy.rows().count());
    }
}
