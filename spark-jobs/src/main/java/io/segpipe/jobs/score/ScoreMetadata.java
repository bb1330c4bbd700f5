package io.segpipe.jobs.score;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import io.segpipe.prep.Json;
import io.segpipe.prep.fs.AtomicFs;
import io.segpipe.prep.schema.ClassTable;

/**
 * {@value #FILE_NAME} in a scoring output: which model and classes the rows belong to, so a resumed
 * run cannot mix predictions of two models in one output. Spark's readers skip it (leading underscore).
 *
 * @param format     always {@value #FORMAT}
 * @param model      qualified model directory
 * @param numClasses classes the model predicts (length of {@code class_fractions})
 * @param classes    class names and colours of the fractions and masks
 * @param createdAt  ISO-8601 UTC time the output was started
 * @param registry   the registry the model was taken from ({@code registry:} model), or null
 * @param registryVersion its registry version, or null
 */
public record ScoreMetadata(String format, String model, int numClasses, ClassTable classes, String createdAt,
                            String registry, Integer registryVersion) {

    public static final String FORMAT = "segpipe-score";
    public static final String FILE_NAME = "_segpipe_score.json";

    void write(FileSystem fs, Path output) throws IOException {
        AtomicFs.writeString(fs, new Path(output, FILE_NAME), Json.write(this), true);
    }

    /** The metadata of {@code output}, or null when it has none. */
    static ScoreMetadata read(FileSystem fs, Path output) throws IOException {
        Path p = new Path(output, FILE_NAME);
        if (!fs.exists(p)) {
            return null;
        }
        try (InputStream in = fs.open(p)) {
            return Json.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), ScoreMetadata.class);
        }
    }
}
