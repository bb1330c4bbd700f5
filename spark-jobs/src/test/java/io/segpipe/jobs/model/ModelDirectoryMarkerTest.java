package io.segpipe.jobs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.segpipe.model.arch.Architectures;
import io.segpipe.model.arch.TinySpecs;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.InvalidInputException;
import io.segpipe.prep.Json;
import io.segpipe.prep.fs.CompletionMarker;

/**
 * A model directory gets its completion marker last; readers refuse one without it, and read a
 * directory of format version 1, written before markers, on its provenance.json.
 */
class ModelDirectoryMarkerTest {

    @TempDir
    Path tmp;

    static SegmentationSpec spec;
    static ComputationGraph net;

    @BeforeAll
    static void init() {
        Nd4jBackend.init();
        spec = TinySpecs.of(Architecture.UNET, 4);
        net = Architectures.create(spec);
    }

    private Path written(String name) throws IOException {
        Path dir = tmp.resolve(name);
        ModelDirectory.write(dir.toString(), new Configuration(), net, ModelFixtures.info(spec, ModelFixtures.classes(4)),
                false);
        return dir;
    }

    @Test
    void theMarkerIsWrittenWithTheDirectory() throws IOException {
        Path dir = written("model");
        CompletionMarker marker = CompletionMarker.require(FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(dir.toUri()), "model");
        assertEquals(ModelDirectory.MARKER_KIND, marker.kind());
        assertEquals(Map.of("epochs", 2L, "parameters", net.numParams()), marker.counts());
        assertEquals(Map.of("dataset", "file:/data"), marker.inputs());
        assertEquals(ModelDirectory.FORMAT_VERSION, ModelDirectory.readInfo(dir.toString(), new Configuration())
                .provenance().formatVersion());
    }

    @Test
    void aDirectoryWithoutItsMarkerIsRefusedNamingThePathAndWhatToDo() throws IOException {
        Path dir = written("unmarked");
        Files.delete(dir.resolve(CompletionMarker.FILE_NAME));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ModelDirectory.readInfo(dir.toString(), new Configuration()));
        assertEquals("segpipe model directory file:" + dir + " is not complete: it has no _segpipe_complete.json (it is"
                + " being written, or the run writing it did not finish); train it again, or point at a complete model"
                + " directory", e.getMessage());
        assertThrows(InvalidInputException.class, () -> ModelDirectory.read(dir.toString(), new Configuration()));
    }

    @Test
    void aDirectoryWrittenBeforeMarkersIsReadOnItsProvenance() throws IOException {
        Path dir = written("version1");
        Files.delete(dir.resolve(CompletionMarker.FILE_NAME));
        ObjectNode provenance = (ObjectNode) Json.mapper().readTree(dir.resolve(ModelDirectory.PROVENANCE).toFile());
        provenance.put("formatVersion", 1);
        Files.writeString(dir.resolve(ModelDirectory.PROVENANCE), provenance.toString());
        Files.deleteIfExists(dir.resolve("." + ModelDirectory.PROVENANCE + ".crc"));
        ModelDirectory.Loaded loaded = ModelDirectory.read(dir.toString(), new Configuration());
        assertEquals(1, loaded.info().provenance().formatVersion());
        assertEquals(net.params(), loaded.network().params());
    }
}
