package io.segpipe.prep.fs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import io.segpipe.prep.Checks;
import io.segpipe.prep.InvalidInputException;
import io.segpipe.prep.Json;

/**
 * {@value #FILE_NAME}: written into an output directory after everything else in it is complete,
 * so that a reader can tell a finished output from one still being written or left half-done by a
 * killed run. Any job output (scores, dataset, model, report) can use it: the writer calls
 * {@link #write} last, and {@link #remove} first when it changes a complete output in place; a
 * reader calls {@link #read} (or {@link #require}) before trusting the directory.
 *
 * <p>The leading underscore keeps Spark's and Hadoop's file readers from taking it as data. The
 * marker is written atomically ({@link AtomicFs#writeString}), so it is either absent or complete.
 * Where a directory is published by rename ({@link AtomicFs#publishDirectory}), write the marker
 * into the staged directory: it then appears together with the content. On object stores, whose
 * renames are copies, the marker is the only completion signal readers can rely on.
 *
 * @param format      always {@value #FORMAT}
 * @param kind        what the output is, e.g. {@code score}
 * @param runId       the run that completed it
 * @param completedAt ISO-8601 UTC time the run completed it
 * @param counts      what the run counted, by name (e.g. {@code scored}), sorted by name
 * @param inputs      what the output was made from, by role (e.g. {@code model}), sorted by role
 */
public record CompletionMarker(String format, String kind, String runId, String completedAt, Map<String, Long> counts,
                               Map<String, String> inputs) {

    public static final String FORMAT = "segpipe-complete";
    public static final String FILE_NAME = "_segpipe_complete.json";
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
            .withZone(ZoneOffset.UTC);

    public CompletionMarker {
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("format must be " + FORMAT + ", found " + format);
        }
        Checks.notBlank("kind", kind);
        Checks.notBlank("runId", runId);
        Checks.notBlank("completedAt", completedAt);
        counts = Collections.unmodifiableMap(new TreeMap<>(Checks.notNull("counts", counts)));
        inputs = Collections.unmodifiableMap(new TreeMap<>(Checks.notNull("inputs", inputs)));
    }

    /** A marker of {@code kind} completed by {@code runId} at {@code completedAt}. */
    public static CompletionMarker of(String kind, String runId, Instant completedAt, Map<String, Long> counts,
                                      Map<String, String> inputs) {
        return new CompletionMarker(FORMAT, kind, runId, completedAt.truncatedTo(ChronoUnit.MILLIS).toString(), counts,
                inputs);
    }

    /** A fresh run id for a marker: the UTC time to the second and 8 random hex digits, {@code 20240131120000-1a2b3c4d}. */
    public static String newRunId() {
        return RUN_ID_TIME.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Writes {@code dir/}{@value #FILE_NAME} atomically, replacing an earlier marker. */
    public void write(FileSystem fs, Path dir) throws IOException {
        AtomicFs.writeString(fs, file(dir), Json.write(this), true);
    }

    /**
     * The marker of {@code dir}, or empty when the directory (or its marker) does not exist: the
     * output is being written, was interrupted, or was never written.
     *
     * @throws InvalidInputException naming the file when it exists but is not a completion marker
     */
    public static Optional<CompletionMarker> read(FileSystem fs, Path dir) throws IOException {
        Path file = file(dir);
        byte[] bytes;
        try (InputStream in = fs.open(file)) {
            bytes = in.readAllBytes();
        } catch (FileNotFoundException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(new String(bytes, StandardCharsets.UTF_8), CompletionMarker.class));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(fs.makeQualified(file) + " is not a segpipe completion marker: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The marker of {@code dir}, for readers that must not use an incomplete output.
     *
     * @param what names the output in the message, e.g. "scoring output"
     * @throws InvalidInputException naming the directory when it has no marker
     */
    public static CompletionMarker require(FileSystem fs, Path dir, String what) throws IOException {
        return read(fs, dir).orElseThrow(() -> new InvalidInputException(missing(fs, dir, what)));
    }

    /**
     * As {@link #require(FileSystem, Path, String)}, with what to do about an incomplete output
     * appended to the message, e.g. "prepare it again with segpipe prep".
     */
    public static CompletionMarker require(FileSystem fs, Path dir, String what, String remedy) throws IOException {
        return read(fs, dir).orElseThrow(() -> new InvalidInputException(missing(fs, dir, what) + "; " + remedy));
    }

    private static String missing(FileSystem fs, Path dir, String what) {
        return what + " " + fs.makeQualified(dir) + " is not complete: it has no " + FILE_NAME + " (it is being written,"
                + " or the run writing it did not finish)";
    }

    /**
     * Removes the marker of {@code dir} if there is one: call it before changing a complete output
     * in place, so that readers do not take the changing output as complete.
     */
    public static void remove(FileSystem fs, Path dir) throws IOException {
        Path file = file(dir);
        if (fs.exists(file) && !fs.delete(file, false)) {
            throw new IOException("cannot delete the completion marker " + fs.makeQualified(file));
        }
    }

    private static Path file(Path dir) {
        return new Path(dir, FILE_NAME);
    }
}
