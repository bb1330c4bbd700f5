package io.segpipe.prep.layout;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Directory listing shared by the layouts. */
final class Listings {

    private Listings() {
    }

    /**
     * Regular files directly in {@code dir}, sorted by name, skipping hidden names ('.' and '_'
     * prefixes, the Hadoop convention for metadata such as {@code _SUCCESS}).
     */
    static List<FileStatus> files(FileSystem fs, Path dir, String role) throws IOException {
        FileStatus[] all;
        try {
            all = fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException(role + " folder " + fs.makeQualified(dir) + " does not exist");
        }
        List<FileStatus> files = new ArrayList<>();
        for (FileStatus s : all) {
            String name = s.getPath().getName();
            if (s.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
                files.add(s);
            }
        }
        files.sort(Comparator.comparing(s -> s.getPath().getName()));
        return files;
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
