package io.segpipe.prep.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.prep.Json;

/** The marker is absent until written, round-trips, is hidden from data readers, and refuses what is not a marker. */
class CompletionMarkerTest {

    @TempDir
    java.nio.file.Path tmp;

    private final CompletionMarker marker = CompletionMarker.of("score", "run-1", Instant.parse("2024-01-31T12:00:00.123456Z"),
            Map.of("scored", 10L, "badImages", 2L), Map.of("model", "file:/m", "input", "images /in"));

    @Test
    void absentUntilWrittenThenReadBackAndRemoved() throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path dir = new Path(tmp.resolve("out").toUri());
        assertEquals(Optional.empty(), CompletionMarker.read(fs, dir), "no directory: no marker");
        fs.mkdirs(dir);
        assertEquals(Optional.empty(), CompletionMarker.read(fs, dir));
        IOException incomplete = assertThrows(IOException.class, () -> CompletionMarker.require(fs, dir, "scoring output"));
        assertEquals("scoring output " + fs.makeQualified(dir) + " is not complete: it has no _segpipe_complete.json (it "
                + "is being written, or the run writing it did not finish)", incomplete.getMessage());

        marker.write(fs, dir);
        assertEquals(Optional.of(marker), CompletionMarker.read(fs, dir));
        assertEquals(marker, CompletionMarker.require(fs, dir, "scoring output"));
        assertEquals("2024-01-31T12:00:00.123Z", marker.completedAt());
        assertEquals(List.of("badImages", "scored"), List.copyOf(marker.counts().keySet()), "sorted by name");
        try (var files = Files.list(tmp.resolve("out"))) {
            assertEquals(List.of(CompletionMarker.FILE_NAME), files.map(f -> f.getFileName().toString()).toList(),
                    "one file, no checksum or temporary beside it");
        }
        assertTrue(CompletionMarker.FILE_NAME.startsWith("_"), "Spark and Hadoop readers skip it");

        CompletionMarker.remove(fs, dir);
        assertEquals(Optional.empty(), CompletionMarker.read(fs, dir));
        CompletionMarker.remove(fs, dir); // idempotent
    }

    @Test
    void aFileThatIsNotAMarkerIsNamed() throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path dir = new Path(tmp.toUri());
        Files.writeString(tmp.resolve(CompletionMarker.FILE_NAME), "{\"format\":\"something-else\"}");
        IOException e = assertThrows(IOException.class, () -> CompletionMarker.read(fs, dir));
        assertTrue(e.getMessage().startsWith(fs.makeQualified(new Path(dir, CompletionMarker.FILE_NAME))
                + " is not a segpipe completion marker: "), e.getMessage());
    }

    @Test
    void jsonRoundTripAndValidation() {
        assertEquals(marker, Json.read(Json.write(marker), CompletionMarker.class));
        assertEquals("runId must be a non-empty string, found \" \"", assertThrows(IllegalArgumentException.class,
                () -> CompletionMarker.of("score", " ", Instant.now(), Map.of(), Map.of())).getMessage());
        assertEquals("format must be segpipe-complete, found segpipe-score", assertThrows(IllegalArgumentException.class,
                () -> new CompletionMarker("segpipe-score", "score", "r", "t", Map.of(), Map.of())).getMessage());
    }
}
