package io.segpipe.prep.fs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFsTest {

    @TempDir
    java.nio.file.Path tmp;
    private FileSystem fs;
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        fs = FileSystem.getLocal(new Configuration());
        dir = new Path(tmp.toUri());
    }

    private String read(Path p) throws IOException {
        return HadoopFiles.readString(fs, p);
    }

    private List<String> visibleAndHidden() throws IOException {
        try (var s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList();
        }
    }

    @Test
    void writeCreatesReplacesOnlyWhenAskedAndLeavesNoTemporaries() throws IOException {
        Path f = new Path(dir, "a/model.json");
        AtomicFs.writeString(fs, f, "v1", false);
        assertEquals("v1", read(f));
        IOException e = assertThrows(IOException.class, () -> AtomicFs.writeString(fs, f, "v2", false));
        assertEquals("file " + fs.makeQualified(f) + " already exists and overwrite is false", e.getMessage());
        AtomicFs.writeString(fs, f, "v2", true);
        assertEquals("v2", read(f));
        try (var s = Files.list(tmp.resolve("a"))) {
            assertEquals(List.of("model.json"), s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).toList());
        }
    }

    @Test
    void failingWriterLeavesThePreviousVersion() throws IOException {
        Path f = new Path(dir, "ckpt");
        AtomicFs.writeString(fs, f, "good", false);
        IOException boom = assertThrows(IOException.class, () -> AtomicFs.writeFile(fs, f, true, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", boom.getMessage());
        assertEquals("good", read(f));
        assertEquals(List.of("ckpt"), visibleAndHidden());
    }

    @Test
    void publishDirectoryNewExistingAndOverwrite() throws IOException {
        Path target = new Path(dir, "dataset");
        Path staged = AtomicFs.tempSibling(target);
        AtomicFs.writeString(fs, new Path(staged, "v"), "1", false);
        AtomicFs.publishDirectory(fs, staged, target, false);
        assertEquals("1", read(new Path(target, "v")));

        Path staged2 = AtomicFs.tempSibling(target);
        AtomicFs.writeString(fs, new Path(staged2, "v"), "2", false);
        IOException e = assertThrows(IOException.class, () -> AtomicFs.publishDirectory(fs, staged2, target, false));
        assertTrue(e.getMessage().contains("already exists and overwrite is false"), e.getMessage());
        assertEquals("1", read(new Path(target, "v")));
        AtomicFs.publishDirectory(fs, staged2, target, true);
        assertEquals("2", read(new Path(target, "v")));
        assertEquals(List.of("dataset"), visibleAndHidden());
        assertThrows(IOException.class, () -> AtomicFs.requireWritable(fs, target, false));
    }

    @Test
    void recoverRestoresAVersionLeftByAnInterruptedReplace() throws IOException {
        Path target = new Path(dir, "dataset");
        AtomicFs.writeString(fs, new Path(target, "v"), "old", false);
        // A process killed between the two renames of a replace leaves only the backup.
        assertTrue(fs.rename(target, new Path(dir, ".dataset.old-1234")));
        assertFalse(fs.exists(target));
        AtomicFs.recover(fs, target);
        assertEquals("old", read(new Path(target, "v")));
        assertEquals(List.of("dataset"), visibleAndHidden());
    }

    @Test
    void concurrentReadersNeverSeeAMissingOrPartialFileWhileItIsReplaced() throws Exception {
        Path target = new Path(tmp.toString(), "pointer.json");
        AtomicFs.writeString(fs, target, "version-0", false);
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        Thread reader = new Thread(() -> {
            while (writing.get() && failure.get() == null) {
                try {
                    String content = HadoopFiles.readString(fs, target);
                    if (!content.matches("version-\\d+")) {
                        failure.set(new AssertionError("partial content: " + content));
                    }
                    reads.incrementAndGet();
                } catch (IOException e) {
                    failure.set(e);
                }
            }
        });
        reader.start();
        for (int i = 1; i <= 300; i++) {
            AtomicFs.writeString(fs, target, "version-" + i, true);
        }
        writing.set(false);
        reader.join(10_000);
        if (failure.get() != null) {
            throw new AssertionError("a reader failed after " + reads.get() + " reads", failure.get());
        }
        assertTrue(reads.get() > 0);
        assertEquals("version-300", read(target));
    }
}
