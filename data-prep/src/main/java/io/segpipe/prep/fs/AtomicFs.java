package io.segpipe.prep.fs;

import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Atomic writes on any Hadoop FileSystem: content is written to a hidden temporary sibling
 * ({@code .<name>.tmp-<uuid>}, same directory so the rename stays inside one file system and
 * hidden so Spark and Hadoop input formats skip it) and renamed into place only when complete.
 * Readers therefore see either the previous version or the new one, never a partial one.
 *
 * <p>Guarantees by file system: on HDFS and the local file system a new file or directory appears
 * atomically, and a file is replaced atomically ({@link FileContext#rename} with OVERWRITE on
 * HDFS, {@code rename(2)} on the local file system, where Hadoop's OVERWRITE rename deletes first).
 * Replacing a directory takes two renames (old version to a hidden {@code .<name>.old-<uuid>}
 * backup, new version into place); a process killed between them leaves the old version in the
 * backup, which {@link #recover} (called by every publish) moves back; until then readers can read
 * the backup in place ({@link #interruptedReplaceBackups}). Object stores (S3A) have no
 * atomic rename at all; there the completion marker the caller writes last (e.g. a manifest) is
 * what readers must check. Concurrent writers to the same target are not supported.
 */
public final class AtomicFs {

    private static final Logger LOG = LoggerFactory.getLogger(AtomicFs.class);
    private static final String TMP = ".tmp-";
    private static final String OLD = ".old-";

    private AtomicFs() {
    }

    /** Writes the content of a file. */
    @FunctionalInterface
    public interface ContentWriter {
        void write(OutputStream out) throws IOException;
    }

    /** A fresh hidden temporary sibling of {@code target} (not created). */
    public static Path tempSibling(Path target) {
        return new Path(target.getParent(), "." + target.getName() + TMP + UUID.randomUUID());
    }

    /**
     * Fails with a clear message when {@code target} exists and {@code overwrite} is false; call
     * it before starting expensive work. Also runs {@link #recover}.
     *
     * @throws FileAlreadyExistsException naming the path when {@code target} exists and {@code overwrite} is false
     */
    public static void requireWritable(FileSystem fs, Path target, boolean overwrite) throws IOException {
        recover(fs, target);
        if (!overwrite && fs.exists(target)) {
            throw new FileAlreadyExistsException("output " + fs.makeQualified(target)
                    + " already exists; set overwrite to replace it, or choose another path");
        }
    }

    /** Writes a UTF-8 string to {@code target} atomically. */
    public static void writeString(FileSystem fs, Path target, String content, boolean overwrite) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        writeFile(fs, target, overwrite, out -> out.write(bytes));
    }

    /**
     * Writes {@code target} atomically: {@code writer} fills a temporary sibling, which is then
     * renamed over {@code target}. On any failure the temporary file is removed and the previous
     * {@code target} (if any) is untouched.
     *
     * @throws IOException naming the path when {@code target} exists and {@code overwrite} is false
     */
    public static void writeFile(FileSystem fs, Path target, boolean overwrite, ContentWriter writer) throws IOException {
        if (!overwrite && fs.exists(target)) {
            throw new IOException("file " + fs.makeQualified(target) + " already exists and overwrite is false");
        }
        if (target.getParent() != null) {
            fs.mkdirs(target.getParent());
        }
        Path tmp = tempSibling(target);
        boolean done = false;
        try {
            try (OutputStream out = withoutChecksums(fs).create(tmp, false)) {
                writer.write(out);
            }
            renameReplacing(fs, tmp, target, overwrite);
            done = true;
        } finally {
            if (!done) {
                deleteAfterFailure(fs, tmp);
            }
        }
    }

    /**
     * Renames a completely written file {@code tmp} (normally a {@link #tempSibling}) to {@code target},
     * replacing a file an earlier attempt of the same task left there. For files of one writer per
     * name (a task's output part), where no reader looks before the whole output is published.
     */
    public static void publishFile(FileSystem fs, Path tmp, Path target) throws IOException {
        if (fs.rename(tmp, target)) {
            return;
        }
        if (fs.exists(target) && fs.delete(target, false) && fs.rename(tmp, target)) {
            return;
        }
        throw new IOException("cannot publish " + tmp + " as " + target);
    }

    /**
     * Moves a completely written directory {@code staged} (normally a {@link #tempSibling} of
     * {@code target}) to {@code target}. With {@code overwrite} an existing target is replaced
     * (see the class notes for the guarantees); without it an existing target is an error and
     * {@code staged} is left for the caller to delete.
     */
    public static void publishDirectory(FileSystem fs, Path staged, Path target, boolean overwrite) throws IOException {
        recover(fs, target, staged);
        if (!fs.exists(target)) {
            rename(fs, staged, target);
            return;
        }
        if (!overwrite) {
            throw new IOException("output " + fs.makeQualified(target) + " already exists and overwrite is false");
        }
        Path backup = new Path(target.getParent(), "." + target.getName() + OLD + UUID.randomUUID());
        rename(fs, target, backup);
        try {
            rename(fs, staged, target);
        } catch (IOException e) {
            try {
                rename(fs, backup, target);
            } catch (IOException restore) {
                e.addSuppressed(restore);
            }
            throw e;
        }
        if (!fs.delete(backup, true)) {
            LOG.warn("Published {} but could not delete the previous version at {}; delete it by hand",
                    target, backup);
        }
    }

    /**
     * Repairs what a process killed inside {@link #publishDirectory} can leave behind: when
     * {@code target} is missing but a backup exists, the newest backup is moved back; when both
     * exist, the stale backups are deleted. Stray temporary siblings are only reported (they may
     * belong to a run still in progress).
     */
    public static void recover(FileSystem fs, Path target) throws IOException {
        recover(fs, target, null);
    }

    /**
     * For a reader of a directory that {@link #publishDirectory} replaces: when {@code target} is
     * missing, the backups a process killed between the two renames left (the previous version),
     * newest first, to be read where they are. Nothing is moved: a reader may not be allowed to
     * write, and a writer may still be between its renames; the next {@link #recover} (every
     * publish) moves the newest back. Empty when {@code target} exists or nothing was left.
     */
    public static List<Path> interruptedReplaceBackups(FileSystem fs, Path target) throws IOException {
        Path parent = target.getParent();
        if (parent == null || fs.exists(target) || !fs.exists(parent)) {
            return List.of();
        }
        return backups(fs.listStatus(parent), target).stream().map(FileStatus::getPath).toList();
    }

    /** The {@code .<name>.old-*} siblings of {@code target} among {@code siblings}, newest first. */
    private static List<FileStatus> backups(FileStatus[] siblings, Path target) {
        String oldPrefix = "." + target.getName() + OLD;
        return Arrays.stream(siblings)
                .filter(s -> s.getPath().getName().startsWith(oldPrefix))
                .sorted(Comparator.comparingLong(FileStatus::getModificationTime).reversed())
                .toList();
    }

    private static void recover(FileSystem fs, Path target, Path ownTemp) throws IOException {
        Path parent = target.getParent();
        if (parent == null || !fs.exists(parent)) {
            return;
        }
        String tmpPrefix = "." + target.getName() + TMP;
        FileStatus[] siblings = fs.listStatus(parent);
        List<FileStatus> backups = backups(siblings, target);
        int firstStale = 0;
        if (!backups.isEmpty() && !fs.exists(target)) {
            LOG.warn("{} is missing but a previous version was left at {} by an interrupted replace; restoring it",
                    target, backups.get(0).getPath());
            rename(fs, backups.get(0).getPath(), target);
            firstStale = 1;
        }
        for (FileStatus stale : backups.subList(firstStale, backups.size())) {
            if (!fs.delete(stale.getPath(), true)) {
                throw new IOException("cannot delete stale backup " + stale.getPath());
            }
        }
        Arrays.stream(siblings).filter(s -> s.getPath().getName().startsWith(tmpPrefix))
                .filter(s -> ownTemp == null || !s.getPath().getName().equals(ownTemp.getName()))
                .forEach(s -> LOG.warn("Temporary {} from an unfinished write of {}; delete it if no job is running",
                        s.getPath(), target));
    }

    /** Deletes {@code path} after a failure without hiding the original exception; logs if it cannot. */
    public static void deleteAfterFailure(FileSystem fs, Path path) {
        try {
            if (fs.exists(path) && !fs.delete(path, true)) {
                LOG.warn("Could not delete temporary {} after a failure; delete it by hand", path);
            }
        } catch (IOException e) {
            LOG.warn("Could not delete temporary {} after a failure ({}); delete it by hand", path, e.toString());
        }
    }

    private static void renameReplacing(FileSystem fs, Path src, Path dst, boolean overwrite) throws IOException {
        if (!overwrite) {
            rename(fs, src, dst);
        } else if (isLocal(fs)) {
            replaceLocal(fs, src, dst);
        } else {
            // FileContext's OVERWRITE rename is atomic on HDFS (a single NameNode operation).
            FileContext fc = FileContext.getFileContext(fs.getUri(), fs.getConf());
            fc.rename(src, dst, Options.Rename.OVERWRITE);
        }
    }

    /**
     * Replaces {@code dst} by {@code src} with one {@code rename(2)}. Hadoop's local rename with
     * OVERWRITE deletes the target first and then renames, so a reader in between would find no
     * file. Files written here carry no Hadoop {@code .crc} checksum file (see {@link #withoutChecksums}):
     * a checksum in a second file cannot be replaced together with its data, and a reader racing the
     * two renames fails with a ChecksumException. A stale one of an older write is dropped first.
     */
    private static void replaceLocal(FileSystem fs, Path src, Path dst) throws IOException {
        java.nio.file.Path to = localPath(fs, dst);
        Files.deleteIfExists(to.resolveSibling("." + to.getFileName() + ".crc"));
        Files.move(localPath(fs, src), to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The local file system without its client-side checksum files, any other file system as it is
     * (HDFS checksums live inside the DataNodes' blocks and move with the file).
     */
    private static FileSystem withoutChecksums(FileSystem fs) {
        return fs instanceof ChecksumFileSystem checked && isLocal(fs) ? checked.getRawFileSystem() : fs;
    }

    private static boolean isLocal(FileSystem fs) {
        return "file".equals(fs.getUri().getScheme());
    }

    private static java.nio.file.Path localPath(FileSystem fs, Path p) {
        return java.nio.file.Path.of(fs.makeQualified(p).toUri());
    }

    private static void rename(FileSystem fs, Path src, Path dst) throws IOException {
        // FileSystem.rename reports many failures as false instead of throwing.
        if (!fs.rename(src, dst)) {
            throw new IOException("cannot rename " + src + " to " + dst
                    + (fs.exists(dst) ? " (destination exists)" : "") + (fs.exists(src) ? "" : " (source missing)"));
        }
    }

    /**
     * Deletes the temporary siblings of {@code target} ({@link #tempSibling}, e.g. a staged
     * directory) that writes killed before they published left behind. Only for a caller that knows
     * no write of {@code target} is in progress, because it holds the target's lock.
     *
     * @return how many were deleted
     */
    public static int deleteTemporaries(FileSystem fs, Path target) throws IOException {
        Path parent = target.getParent();
        if (parent == null || !fs.exists(parent)) {
            return 0;
        }
        String prefix = "." + target.getName() + TMP;
        int deleted = 0;
        for (FileStatus s : fs.listStatus(parent)) {
            if (s.getPath().getName().startsWith(prefix)) {
                if (!fs.delete(s.getPath(), true)) {
                    throw new IOException("cannot delete " + s.getPath() + ", left by an unfinished write of " + target);
                }
                LOG.warn("Deleted {}, left by an unfinished write of {}", s.getPath(), target);
                deleted++;
            }
        }
        return deleted;
    }
}
