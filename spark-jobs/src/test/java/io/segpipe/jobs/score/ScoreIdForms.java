package io.segpipe.jobs.score;

import java.util.List;

/**
 * Ids a scoring input can carry that are unsafe as file names: a folder's relative paths, and a
 * prepared dataset's ids, which a manifest CSV takes from image paths as written.
 */
final class ScoreIdForms {

    private ScoreIdForms() {
    }

    /** Every unsafe form, each with a readable twin where one exists. */
    static List<String> all(String tmp) {
        return List.of(
                // leaving the folder
                "../x", "../../x", "..", ".", "./y", "sub/../../x",
                // schemes (Hadoop's new Path(parent, child) takes these as absolute) and colons (10: parses as a scheme)
                "file:" + tmp + "/src/0001", "file:///" + tmp + "/src/0002", "hdfs://nn:8020/a", "s3a://b/a", "a:b",
                "10:00:01", "C:\\x\\y.png",
                // absolute
                tmp + "/abs/x", "/etc/passwd",
                // doubled separators and backslashes
                "a//b", "//host/share/x", "a\\b", "..\\..\\x", "\\\\server\\x",
                // NUL, control and other odd characters
                "nul\u0000id", "ctl\u0001\u001f\u007fid", "tab\tnew\nline", "a?b", "a*b", "a b", "a_b", "a/b",
                "", " ", ".hidden", "_underscore", "-rf", "~user",
                // very long
                "x".repeat(5000), "long/".repeat(1000) + "end", "\u00e9".repeat(300),
                // differing only in case, or in Unicode normalisation
                "Img.png", "img.png", "IMG.PNG", "caf\u00e9", "cafe\u0301");
    }
}
