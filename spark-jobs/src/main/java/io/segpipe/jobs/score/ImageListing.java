package io.segpipe.jobs.score;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The images of a folder (recursively) or a glob, on any Hadoop file system: files ending in
 * {@code .png}, {@code .jpg} or {@code .jpeg} (any case); hidden files and folders ({@code .x},
 * {@code _x}) are skipped. An image's id is its path relative to the folder, or to the glob's
 * fixed leading folders ({@code /in/2024-*}{@code /*.jpg} gives ids like {@code 2024-01/a.jpg}).
 */
final class ImageListing {

    /** One image: its id and qualified path. */
    record Entry(String id, String path) {
    }

    private ImageListing() {
    }

    static List<Entry> list(String pattern, Configuration conf) throws IOException {
        Path p = new Path(pattern);
        FileSystem fs = p.getFileSystem(conf);
        List<Entry> out = new ArrayList<>();
        if (!hasGlob(pattern)) {
            Path root = fs.makeQualified(p);
            if (!fs.exists(root)) {
                throw new FileNotFoundException("images " + root + " does not exist");
            }
            collect(fs, root, fs.getFileStatus(root), out);
        } else {
            Path root = fs.makeQualified(fixedPrefix(p));
            FileStatus[] matches = fs.globStatus(p);
            if (matches != null) {
                for (FileStatus m : matches) {
                    collect(fs, root, m, out);
                }
            }
        }
        out.sort(java.util.Comparator.comparing(Entry::id));
        return out;
    }

    private static void collect(FileSystem fs, Path root, FileStatus status, List<Entry> out) throws IOException {
        if (status.isFile()) {
            if (isImage(status.getPath())) {
                out.add(new Entry(relative(root, status.getPath()), status.getPath().toString()));
            }
            return;
        }
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(status.getPath(), true);
        while (files.hasNext()) {
            LocatedFileStatus f = files.next();
            if (isImage(f.getPath()) && !hidden(status.getPath(), f.getPath())) {
                out.add(new Entry(relative(root, f.getPath()), f.getPath().toString()));
            }
        }
    }

    /** The folder (or file) {@code pattern} lists: itself, or a glob's fixed leading folders. */
    static Path root(String pattern) {
        Path p = new Path(pattern);
        return hasGlob(pattern) ? fixedPrefix(p) : p;
    }

    static boolean isImage(Path p) {
        String n = p.getName().toLowerCase(Locale.ROOT);
        return !n.startsWith(".") && !n.startsWith("_") && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
    }

    /** True when a path component below {@code top} is hidden. */
    private static boolean hidden(Path top, Path file) {
        for (Path q = file.getParent(); q != null && !q.equals(top); q = q.getParent()) {
            if (q.getName().startsWith(".") || q.getName().startsWith("_")) {
                return true;
            }
        }
        return false;
    }

    private static String relative(Path root, Path file) {
        String r = root.toUri().getPath();
        String f = file.toUri().getPath();
        if (r.equals(f)) {
            return file.getName();
        }
        String prefix = r.endsWith("/") ? r : r + "/";
        return f.startsWith(prefix) ? f.substring(prefix.length()) : f;
    }

    static boolean hasGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
    }

    /** The leading folders of a glob without glob characters. */
    private static Path fixedPrefix(Path p) {
        Path q = p;
        while (q.getParent() != null && hasGlob(q.toUri().getPath())) {
            q = q.getParent();
        }
        return q;
    }
}
