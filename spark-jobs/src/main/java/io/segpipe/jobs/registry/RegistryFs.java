package io.segpipe.jobs.registry;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.prep.fs.AtomicFs;
import io.segpipe.prep.fs.HadoopFiles;

/**
 * File operations of the registry that {@link AtomicFs} does not provide with the guarantee the
 * registry needs: create-if-absent (its writes check for an existing target and then rename, which
 * two racing writers can both pass) and reads of the registry's small JSON files.
 *
 * <p>Replace is {@link AtomicFs#writeString}, atomic on HDFS and the local file system
 * ({@code RegistryTest} reads the pointer concurrently with replacements to prove it).
 *
 * <p>Exclusivity by file system: on HDFS a rename without OVERWRITE is a single NameNode operation
 * that fails when the destination exists. On the local file system (and NFS) Hadoop's rename
 * checks and then renames, and POSIX rename replaces, so a hard link is used instead: {@code link(2)}
 * fails atomically when the name exists. Object stores (S3A, GCS, ABFS, …) have neither atomic
 * rename nor create-if-absent, so a registry there is refused ({@link #requireAtomicFileSystem}).
 *
 * <p>Time: the registry never compares two hosts' clocks. The age of a lock is measured on the
 * file system's clock, as the difference of two modification times it assigned
 * ({@link #fileSystemNow}).
 */
final class RegistryFs {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryFs.class);

    /**
     * File systems whose rename is atomic and fails on an existing destination (or, for the local
     * one, whose hard links give create-if-absent): the only ones the pointer swap and the lock are
     * correct on. {@code viewfs} mounts HDFS.
     */
    static final java.util.Set<String> ATOMIC_SCHEMES = java.util.Set.of("hdfs", "viewfs", "file");

    /** Tests set this to exercise the generic (FileContext rename) path on the local file system. */
    static volatile boolean forceGeneric;

    private RegistryFs() {
    }

    /**
     * Creates {@code target} with {@code content} if no file of that name exists; the content
     * appears complete or not at all.
     *
     * @return false when {@code target} already exists (nothing is changed then)
     */
    static boolean createExclusive(FileSystem fs, Path target, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Path tmp = AtomicFs.tempSibling(target);
        FileSystem raw = raw(fs);
        raw.mkdirs(target.getParent());
        try {
            if (isLocal(raw)) {
                java.nio.file.Path t = local(raw, tmp);
                Files.write(t, bytes);
                return linkExclusive(t, local(raw, target));
            }
            try (OutputStream out = raw.create(tmp, false)) {
                out.write(bytes);
            }
            return renameNoOverwrite(raw, tmp, target);
        } finally {
            AtomicFs.deleteAfterFailure(raw, tmp);
        }
    }

    /**
     * Renames {@code src} to {@code dst} only if {@code dst} does not exist.
     *
     * @return false when {@code dst} exists or {@code src} is gone (nothing is changed then)
     */
    static boolean renameExclusive(FileSystem fs, Path src, Path dst) throws IOException {
        FileSystem raw = raw(fs);
        if (isLocal(raw)) {
            java.nio.file.Path s = local(raw, src);
            try {
                if (!linkExclusive(s, local(raw, dst))) {
                    return false;
                }
            } catch (NoSuchFileException e) {
                return false;
            }
            Files.deleteIfExists(s);
            return true;
        }
        try {
            return renameNoOverwrite(raw, src, dst);
        } catch (FileNotFoundException e) {
            return false;
        }
    }

    /**
     * Writes {@code content} to {@code target}, replacing it atomically: readers see the old or the
     * new content, never a missing or partial file (on HDFS and the local file system).
     */
    static void replace(FileSystem fs, Path target, String content) throws IOException {
        AtomicFs.writeString(fs, target, content, true);
    }

    /**
     * Fails unless {@code root} is on a file system with atomic rename and create-if-absent.
     *
     * @throws IllegalArgumentException naming the path, why, and what to use instead
     */
    static void requireAtomicFileSystem(Path root) {
        String scheme = root.toUri().getScheme();
        if (scheme != null && !ATOMIC_SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("registry " + root + ": the " + scheme + " file system has no atomic "
                    + "rename or create-if-absent, which the registry's production pointer and lock rely on (two "
                    + "runs could both promote, or a reader could see a half-written pointer); keep the registry on "
                    + "HDFS (hdfs:// or viewfs://) or a local or NFS path (file://) — model files elsewhere are not "
                    + "affected");
        }
    }

    /**
     * The file system's current time, in its own clock: the modification time it gives a file
     * created now in {@code dir} (the probe is deleted). On HDFS that is the NameNode's clock,
     * whichever host asks.
     */
    static long fileSystemNow(FileSystem fs, Path dir) throws IOException {
        FileSystem raw = raw(fs);
        Path probe = new Path(dir, ".clock-" + java.util.UUID.randomUUID());
        raw.mkdirs(dir);
        try {
            raw.create(probe, false).close();
            return raw.getFileStatus(probe).getModificationTime();
        } finally {
            raw.delete(probe, false);
        }
    }

    /** Modification time of {@code file} on the file system's clock, or -1 when it does not exist. */
    static long modificationTime(FileSystem fs, Path file) throws IOException {
        try {
            return raw(fs).getFileStatus(file).getModificationTime();
        } catch (FileNotFoundException e) {
            return -1;
        }
    }

    /** The content of a small file read without checksum verification, or empty when it does not exist. */
    static Optional<String> read(FileSystem fs, Path file) throws IOException {
        // Raw: on the local file system a replace renames the data file and then its .crc, so a
        // reader in between would fail the check; registry files are validated by parsing instead.
        try {
            return Optional.of(HadoopFiles.readString(raw(fs), file));
        } catch (FileNotFoundException e) {
            return Optional.empty();
        }
    }

    /** The file system without client-side checksum files (the local one), or {@code fs} itself. */
    static FileSystem raw(FileSystem fs) {
        return fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
    }

    private static boolean isLocal(FileSystem raw) {
        return !forceGeneric && "file".equals(raw.getUri().getScheme());
    }

    private static java.nio.file.Path local(FileSystem raw, Path p) {
        return java.nio.file.Path.of(raw.makeQualified(p).toUri());
    }

    private static boolean linkExclusive(java.nio.file.Path existing, java.nio.file.Path link) throws IOException {
        try {
            Files.createLink(link, existing);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException e) {
            LOG.warn("{} does not support hard links; the registry lock falls back to a non-atomic create", link);
            try {
                Files.copy(existing, link);
                return true;
            } catch (FileAlreadyExistsException exists) {
                return false;
            }
        }
    }

    private static boolean renameNoOverwrite(FileSystem raw, Path src, Path dst) throws IOException {
        FileContext fc = FileContext.getFileContext(raw.getUri(), raw.getConf());
        try {
            fc.rename(src, dst, Options.Rename.NONE);
            return true;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        }
    }
}
