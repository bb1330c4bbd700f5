package io.segpipe.jobs.score;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import io.segpipe.jobs.registry.LockSettings;
import io.segpipe.jobs.registry.RegistryLock;
import io.segpipe.jobs.registry.RegistryLockedException;
import io.segpipe.prep.fs.PathOverlap;

/**
 * The exclusive right of one scoring run to write its output and masks folder: one lock file per
 * location, {@code .<name>.lock} beside it in its parent folder, so that a fresh run, an overwrite
 * and a resume of the same location all meet at the same file, whether the location exists yet or
 * not.
 *
 * <p>The lock is the model registry's ({@link RegistryLock}): created only if absent (a rename
 * that fails on an existing name on HDFS, a hard link on the local file system), kept alive by a
 * heartbeat while the run holds it, and stale, so that the next run takes it over, when its holder
 * ran on this host and its process is gone, or after {@code lockTimeoutSeconds} without a heartbeat
 * (measured on the file system's clock). On object stores (S3A and the like) create-if-absent is
 * not atomic, so two runs started within moments of each other may both get through there.
 */
final class OutputLock implements AutoCloseable {

    private final List<RegistryLock> locks;

    private OutputLock(List<RegistryLock> locks) {
        this.locks = locks;
    }

    /** The lock file of {@code target}. */
    static Path lockFile(Path target) {
        return new Path(target.getParent(), "." + target.getName() + ".lock");
    }

    /**
     * Takes the locks of {@code places} in order for {@code runId} (all or none).
     *
     * @throws OutputInUseException naming the lock and its holder when another live run holds one
     */
    static OutputLock acquire(List<PathOverlap.Place> places, String runId, LockSettings settings, Configuration conf)
            throws IOException {
        List<RegistryLock> taken = new ArrayList<>();
        try {
            for (PathOverlap.Place place : places) {
                taken.add(acquire(place, runId, settings, conf));
            }
            return new OutputLock(taken);
        } catch (IOException | RuntimeException e) {
            closeAll(taken, e);
            throw e;
        }
    }

    private static RegistryLock acquire(PathOverlap.Place place, String runId, LockSettings settings,
                                        Configuration conf) throws IOException {
        Path target = place.path();
        Path file = lockFile(target);
        FileSystem fs = file.getFileSystem(conf);
        try {
            return RegistryLock.acquire(fs, file, target.toString(), runId, settings);
        } catch (RegistryLockedException e) {
            throw new OutputInUseException(place.role(), target, file, e.owner(), settings.staleAfter());
        } catch (IOException e) {
            throw new IOException("cannot take the lock " + file + " of " + place + ": " + e.getMessage(), e);
        }
    }

    /**
     * Fails unless this run still holds every lock (none was broken as stale and taken by another
     * run): call it before publishing.
     */
    void verifyHeld() throws IOException {
        for (RegistryLock lock : locks) {
            lock.verifyHeld();
        }
    }

    /** Releases every lock (the ones another run took over are left alone). */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (RegistryLock lock : locks) {
            try {
                lock.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static void closeAll(List<RegistryLock> locks, Exception failure) {
        for (RegistryLock lock : locks) {
            try {
                lock.close();
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
