package io.segpipe.prep.schema;

import java.io.Serializable;

/**
 * One rejected input file: a line of the dataset's quarantine listing ({@code quarantine.jsonl}).
 *
 * @param path   fully qualified path of the offending file (the image or the label of a pair)
 * @param reason one-line cause, e.g. "image: corrupt PNG: Error reading PNG image data"
 */
public record QuarantineEntry(String path, String reason) implements Serializable, Comparable<QuarantineEntry> {

    @Override
    public int compareTo(QuarantineEntry o) {
        int c = path.compareTo(o.path);
        return c != 0 ? c : reason.compareTo(o.reason);
    }

    @Override
    public String toString() {
        return path + ": " + reason;
    }
}
