package io.segpipe.prep.fs;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Keeps what a job writes apart from what it reads and from its other outputs: an output that is,
 * is inside, or contains an input would overwrite input files, and with overwrite (which replaces
 * the whole output directory) delete them.
 *
 * <p>Paths are compared in {@link #canonical} form: qualified with their file system's URI, made
 * absolute and, on the local file system, with symbolic links resolved in the part of the path that
 * exists. Paths on two file systems never overlap; a file system named without a port matches the
 * same scheme and host with any port ({@code hdfs://nn/x} and {@code hdfs://nn:8020/x}), which may
 * refuse two paths on two clusters served from one host, never miss a real overlap. Links inside
 * HDFS (rare) and mounts that show one folder under two names are not seen.
 */
public final class PathOverlap {

    /** How one path lies relative to another. */
    public enum Relation {
        SAME("is the same folder as"),
        INSIDE("is inside"),
        CONTAINS("contains");

        private final String words;

        Relation(String words) {
            this.words = words;
        }

        /** "is inside", as the message puts it. */
        public String words() {
            return words;
        }
    }

    /**
     * A location and its role in the job, for messages.
     *
     * @param role e.g. "output", "images", "model"
     * @param path canonical ({@link #canonical})
     */
    public record Place(String role, Path path) {
        public Place {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String toString() {
            return role + " " + path;
        }
    }

    private PathOverlap() {
    }

    /**
     * {@code path} qualified with its file system's canonical URI, made absolute against the
     * working directory, with symbolic links resolved on the local file system.
     */
    public static Path canonical(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        String p = fs.makeQualified(path).toUri().getPath();
        if ("file".equals(fs.getUri().getScheme())) {
            p = realLocalPath(p);
        }
        URI root = fs.getUri();
        return new Path(root.getScheme(), root.getAuthority(), p);
    }

    /** {@link #canonical} of a path string. */
    public static Path canonical(String path, Configuration conf) throws IOException {
        return canonical(new Path(path), conf);
    }

    /** How canonical {@code a} lies relative to canonical {@code b}, or null when they are apart. */
    public static Relation relation(Path a, Path b) {
        URI x = a.toUri();
        URI y = b.toUri();
        if (!Objects.equals(lower(x.getScheme()), lower(y.getScheme())) || !sameServer(x, y)) {
            return null;
        }
        String p = x.getPath();
        String q = y.getPath();
        if (p.equals(q)) {
            return Relation.SAME;
        }
        if (isBelow(p, q)) {
            return Relation.INSIDE;
        }
        return isBelow(q, p) ? Relation.CONTAINS : null;
    }

    /**
     * Fails when {@code written} is, is inside, or contains one of {@code others}.
     *
     * @throws IllegalArgumentException naming both places, e.g. "output /d/in/scores is inside images /d/in: ..."
     */
    public static void requireApart(Place written, Collection<Place> others) {
        for (Place other : others) {
            Relation r = relation(written.path(), other.path());
            if (r != null) {
                throw new IllegalArgumentException(written + " " + r.words() + " " + other + ": writing " + written.role()
                        + " there would overwrite " + other.role() + " files (and overwrite would delete them); choose "
                        + "another " + written.role() + " path, apart from " + other.path());
            }
        }
    }

    /** Same authority, where a missing port matches any port of the same host. */
    private static boolean sameServer(URI x, URI y) {
        if (x.getHost() == null || y.getHost() == null) {
            return Objects.equals(lower(x.getAuthority()), lower(y.getAuthority()));
        }
        return x.getHost().equalsIgnoreCase(y.getHost()) && Objects.equals(x.getUserInfo(), y.getUserInfo())
                && (x.getPort() == -1 || y.getPort() == -1 || x.getPort() == y.getPort());
    }

    private static boolean isBelow(String path, String folder) {
        String prefix = folder.endsWith("/") ? folder : folder + "/";
        return path.startsWith(prefix);
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    /**
     * The real path of the longest existing prefix of {@code path}, followed by the rest: a folder
     * reached through a symbolic link is compared as the folder it links to.
     */
    private static String realLocalPath(String path) throws IOException {
        java.nio.file.Path p;
        try {
            p = java.nio.file.Path.of(path).normalize();
        } catch (InvalidPathException e) {
            return path;
        }
        java.nio.file.Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        java.nio.file.Path real = existing.toRealPath().resolve(existing.relativize(p));
        return real.toString();
    }
}
