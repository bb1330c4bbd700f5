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
 * fails atomically when the name exists. Object stores (S3A, GCS, ABFS without HNS) have no atomic
 * rename: there the lock is best effort and schedules must not overlap.
 */
final class RegistryFs {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryFs.class);

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
