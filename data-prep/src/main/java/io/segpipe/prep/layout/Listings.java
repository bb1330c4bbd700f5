package io.segpipe.prep.layout;

import io.segpipe.prep.fs.LocalFiles;
import io.segpipe.prep.schema.QuarantineEntry;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Directory listing shared by the layouts. */
final class Listings {

    private Listings() {
    }

    /**
     * Regular files directly in {@code dir}, sorted by name, skipping hidden names ('.' and '_'
     * prefixes, the Hadoop convention for metadata such as {@code _SUCCESS}). Entries Hadoop's
     * listing would drop without a word are added to {@code unusable} with their reason, prefixed
     * by {@code role} ({@link #leftOut}).
     */
    static List<FileStatus> files(FileSystem fs, Path dir, String role, List<QuarantineEntry> unusable)
            throws IOException {
        FileStatus[] all;
        try {
            all = fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException(role + " folder " + fs.makeQualified(dir) + " does not exist");
        }
        List<FileStatus> files = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        for (FileStatus s : all) {
            String name = s.getPath().getName();
            listed.add(name);
            if (s.isFile() && !hidden(name)) {
                files.add(s);
            }
        }
        files.sort(Comparator.comparing(s -> s.getPath().getName()));
        unusable.addAll(leftOut(fs, dir, listed, role));
        return files;
    }

    /**
     * The entries of a local folder that Hadoop's listing leaves out silently (see {@link LocalFiles}):
     * names that are not valid UTF-8 (or not representable in the JVM's file name encoding), and
     * symbolic links that do not resolve. Their paths show the name's bytes percent-encoded
     * ({@code bad%FF.png}). Empty on other file systems.
     */
    private static List<QuarantineEntry> leftOut(FileSystem fs, Path dir, Set<String> listed, String role)
            throws IOException {
        Optional<java.nio.file.Path> local = LocalFiles.local(fs, dir);
        if (local.isEmpty()) {
            return List.of();
        }
        List<QuarantineEntry> out = new ArrayList<>();
        try (DirectoryStream<java.nio.file.Path> entries = Files.newDirectoryStream(local.get())) {
            for (java.nio.file.Path entry : entries) {
                String name = entry.getFileName().toString();
                if (hidden(name) || Files.isDirectory(entry)) {
                    continue;
                }
                Optional<String> reason = LocalFiles.unusableName(entry);
                if (reason.isEmpty() && !listed.contains(name)) {
                    reason = LocalFiles.brokenLink(entry);
                }
                reason.ifPresent(r -> out.add(new QuarantineEntry(qualified(fs, new Path(dir, LocalFiles.escapedName(entry))),
                        role + ": " + r)));
            }
        }
        out.sort(null);
        return out;
    }

    private static boolean hidden(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    /** File name without its last extension. */
    static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** Resolves {@code child} against {@code root} unless it is absolute or has a scheme. */
    static Path resolve(Path root, String child) {
        Path p = new Path(child);
        return p.isAbsolute() || p.toUri().getScheme() != null ? p : new Path(root, child);
    }

    static String qualified(FileSystem fs, Path p) {
        return fs.makeQualified(p).toString();
    }

    static String names(FileStatus[] statuses) {
        return Arrays.toString(Arrays.stream(statuses).map(s -> s.getPath().getName()).toArray());
    }
}
