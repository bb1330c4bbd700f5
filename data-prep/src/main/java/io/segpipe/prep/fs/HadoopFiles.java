package io.segpipe.prep.fs;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Whole-file reads on any Hadoop FileSystem, for files that fit in memory: manifests, JSON
 * metadata, source images, model zips. Writes go through {@link AtomicFs}.
 */
public final class HadoopFiles {

    private HadoopFiles() {
    }

    /**
     * The content of {@code file}.
     *
     * @throws FileNotFoundException when it does not exist (the file system's own exception, so
     *     callers can tell a missing file from a failed read)
     */
    public static byte[] readBytes(FileSystem fs, Path file) throws IOException {
        try (FSDataInputStream in = fs.open(file)) {
            return in.readAllBytes();
        }
    }

    /**
     * The content of {@code file} decoded as UTF-8.
     *
     * @throws FileNotFoundException when it does not exist
     */
    public static String readString(FileSystem fs, Path file) throws IOException {
        return new String(readBytes(fs, file), StandardCharsets.UTF_8);
    }
}
