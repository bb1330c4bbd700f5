package io.segpipe.prep.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AtomicFs#deleteTemporaries} removes the staged leftovers of one target and nothing else. */
class DeleteTemporariesTest {

    @TempDir
    java.nio.file.Path tmp;

    @Test
    void deletesOnlyTheTargetsTemporaries() throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path target = new Path(tmp.resolve("scores").toUri());
        Path staged = AtomicFs.tempSibling(target);
        fs.mkdirs(new Path(staged, "deep"));
        Files.writeString(tmp.resolve("." + "scores" + ".lock"), "lock");
        Path otherStaged = AtomicFs.tempSibling(new Path(tmp.resolve("scores2").toUri()));
        fs.mkdirs(otherStaged);
        fs.mkdirs(target);

        assertEquals(1, AtomicFs.deleteTemporaries(fs, target));
        try (var s = Files.list(tmp)) {
            assertEquals(List.of(".scores.lock", otherStaged.getName(), "scores"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(0, AtomicFs.deleteTemporaries(fs, new Path(tmp.resolve("missing/x").toUri())));
    }
}
