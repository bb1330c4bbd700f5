package io.segpipe.prep.fs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HadoopFilesTest {

    @TempDir
    java.nio.file.Path tmp;

    @Test
    void readsTheWholeFileAsBytesAndAsUtf8() throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        String text = "{\"class\":\"Straße\"}\n".repeat(10_000); // several buffers' worth, not ASCII
        java.nio.file.Path file = tmp.resolve("manifest.json");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Path path = new Path(file.toUri());
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), HadoopFiles.readBytes(fs, path));
        assertEquals(text, HadoopFiles.readString(fs, path));
    }

    @Test
    void aMissingFileIsFileNotFound() throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path missing = new Path(tmp.resolve("nope").toUri());
        assertThrows(FileNotFoundException.class, () -> HadoopFiles.readBytes(fs, missing));
        assertThrows(FileNotFoundException.class, () -> HadoopFiles.readString(fs, missing));
    }
}
