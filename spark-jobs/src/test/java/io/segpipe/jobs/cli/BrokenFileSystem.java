package io.segpipe.jobs.cli;

import java.io.IOException;
import java.net.URI;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under the scheme {@value #SCHEME}, where listing works and every read
 * fails: a disk or data node lost while a job runs. Executors of the local test Spark share the
 * driver's Hadoop configuration, so {@link #install} reaches them.
 */
public final class BrokenFileSystem extends RawLocalFileSystem {
    static final String SCHEME = "broken";

    /** Makes {@code conf} resolve {@value #SCHEME}:/ paths to this file system. */
    static void install(Configuration conf) {
        conf.set("fs." + SCHEME + ".impl", BrokenFileSystem.class.getName());
    }

    /** {@code dir} as a path on this file system. */
    static String uri(java.nio.file.Path dir) {
        return SCHEME + "://" + dir.toAbsolutePath();
    }

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    // Hadoop's local file status reads permissions through java.io.File, which takes file: URIs only.
    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
        return plain(super.getFileStatus(f));
    }

    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
        FileStatus[] all = super.listStatus(f);
        FileStatus[] out = new FileStatus[all.length];
        for (int i = 0; i < all.length; i++) {
            out[i] = plain(all[i]);
        }
        return out;
    }

    private static FileStatus plain(FileStatus s) {
        return new FileStatus(s.getLen(), s.isDirectory(), 1, s.getBlockSize(), s.getModificationTime(), s.getPath());
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        throw new IOException("simulated read failure of " + f);
    }
}
