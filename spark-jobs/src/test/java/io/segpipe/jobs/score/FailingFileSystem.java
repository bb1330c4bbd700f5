package io.segpipe.jobs.score;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under the scheme {@value #SCHEME}, for scoring inputs whose reading fails
 * or pauses on a chosen image: a task that throws after other tasks published their parts, or a
 * run that is still going while a second one starts. Executors of the local test Spark share this
 * JVM, so the static settings reach them.
 */
public class FailingFileSystem extends RawLocalFileSystem {

    static final String SCHEME = "failing";
    private static final URI ROOT = URI.create(SCHEME + ":///");

    private static volatile String failingName;
    private static volatile java.nio.file.Path watched;
    private static volatile Predicate<java.nio.file.Path> counted;
    private static volatile int partsBeforeFailing;
    private static volatile int partsSeen;
    private static volatile String pausingName;
    private static volatile CountDownLatch paused;
    private static volatile CountDownLatch resume;

    /** Registers the scheme in {@code conf}. */
    static void install(Configuration conf) {
        conf.set("fs." + SCHEME + ".impl", FailingFileSystem.class.getName());
    }

    /** {@code dir} as an input path on this file system. */
    static String uri(java.nio.file.Path dir) {
        return SCHEME + "://" + dir.toAbsolutePath();
    }

    /**
     * Reading a file named {@code name} waits until {@code parts} Parquet part files that
     * {@code count} accepts exist under {@code watch} (published or staged), then fails.
     */
    static void failOn(String name, java.nio.file.Path watch, Predicate<java.nio.file.Path> count, int parts) {
        watched = watch;
        counted = count;
        partsBeforeFailing = parts;
        partsSeen = -1;
        failingName = name;
    }

    /** Reading a file named {@code name} counts down {@code started}, then waits for {@code proceed}. */
    static void pauseOn(String name, CountDownLatch started, CountDownLatch proceed) {
        paused = started;
        resume = proceed;
        pausingName = name;
    }

    /** Part files that existed when the injected failure was thrown, -1 before it. */
    static int partsSeenAtFailure() {
        return partsSeen;
    }

    static void reset() {
        failingName = null;
        pausingName = null;
    }

    @Override
    public URI getUri() {
        return ROOT;
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
        if (f.getName().equals(pausingName)) {
            paused.countDown();
            try {
                if (!resume.await(2, TimeUnit.MINUTES)) {
                    throw new IOException("the test never let the read of " + f + " proceed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        if (f.getName().equals(failingName)) {
            partsSeen = awaitParts(watched, partsBeforeFailing);
            throw new IOException("injected read failure of " + f);
        }
        return super.open(f, bufferSize);
    }

    private static int awaitParts(java.nio.file.Path dir, int wanted) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        int found = countParts(dir);
        while (found < wanted && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            found = countParts(dir);
        }
        return found;
    }

    private static int countParts(java.nio.file.Path dir) {
        try (Stream<java.nio.file.Path> files = Files.walk(dir)) {
            return (int) files.filter(p -> p.getFileName().toString().matches("part-.*\\.parquet"))
                    .filter(counted).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (UncheckedIOException e) {
            return 0; // a file vanished during the walk (a rename); look again
        }
    }
}
