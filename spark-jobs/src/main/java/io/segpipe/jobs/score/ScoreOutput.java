package io.segpipe.jobs.score;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import io.segpipe.prep.fs.AtomicFs;
import io.segpipe.prep.fs.CompletionMarker;
import io.segpipe.prep.fs.PathOverlap;

/**
 * Where a scoring run writes (driver side), and how: the Parquet output directory and, optionally,
 * the masks folder, both canonical ({@link PathOverlap#canonical}).
 *
 * <p>A run writes in one of three ways ({@link #begin}):
 * <ul>
 * <li><b>fresh</b> (the output does not exist): in place. Until the run completes there is no
 *     {@link CompletionMarker}; a run that fails half-way leaves its published parts, and
 *     {@code resume} continues them.</li>
 * <li><b>overwrite</b>: into staged hidden siblings ({@code .<name>.tmp-<uuid>}), which replace
 *     the output and the masks folder only when the run has completed ({@link #publish}, by
 *     {@link AtomicFs#publishDirectory}). A run that fails leaves the previous output and masks as
 *     they were, complete and readable; its staging is deleted, or, if the process was killed,
 *     deleted by the next run on the same location ({@link #recover}).</li>
 * <li><b>resume</b>: in place; the markers are removed first, so that the output reads as
 *     incomplete until this run has completed it.</li>
 * </ul>
 *
 * @param fs      the output's file system
 * @param dir     the output directory
 * @param masksFs the masks folder's file system, or null
 * @param masks   the masks folder, or null
 */
record ScoreOutput(FileSystem fs, Path dir, FileSystem masksFs, Path masks) {

    /**
     * The folders one run writes: the output and masks themselves, or their staged copies.
     *
     * @param dir    where the part files and metadata go
     * @param masks  where the masks go, or null
     * @param staged whether they are staged copies, published by {@link #publish}
     */
    record Run(Path dir, Path masks, boolean staged) {
    }

    /**
     * The locations {@code config} names. Touches nothing.
     *
     * @throws IllegalArgumentException when one is the root of its file system, or output and masks overlap
     */
    static ScoreOutput of(ScoreConfig config, Configuration hadoop) throws IOException {
        Path dir = canonical("output", config.output(), hadoop);
        Path masks = config.masks() == null ? null : canonical("masks", config.masks(), hadoop);
        ScoreOutput output = new ScoreOutput(dir.getFileSystem(hadoop), dir,
                masks == null ? null : masks.getFileSystem(hadoop), masks);
        if (masks != null) {
            PathOverlap.requireApart(new PathOverlap.Place("masks", masks), List.of(new PathOverlap.Place("output", dir)));
        }
        return output;
    }

    /** Output, then masks: what the run writes and locks. */
    List<PathOverlap.Place> places() {
        List<PathOverlap.Place> places = new ArrayList<>(2);
        places.add(new PathOverlap.Place("output", dir));
        if (masks != null) {
            places.add(new PathOverlap.Place("masks", masks));
        }
        return places;
    }

    /**
     * Fails when the output or the masks folder is, is inside, or contains one of {@code inputs}.
     *
     * @throws IllegalArgumentException naming both paths
     */
    void requireApartFrom(List<PathOverlap.Place> inputs) {
        for (PathOverlap.Place place : places()) {
            PathOverlap.requireApart(place, inputs);
        }
    }

    /**
     * Repairs what killed runs left (holding the lock): a replace interrupted between its two
     * renames is rolled back to the previous version, and staged copies are deleted.
     */
    void recover() throws IOException {
        AtomicFs.recover(fs, dir);
        AtomicFs.deleteTemporaries(fs, dir);
        if (masks != null) {
            AtomicFs.recover(masksFs, masks);
            AtomicFs.deleteTemporaries(masksFs, masks);
        }
    }

    /**
     * Fails when the output or masks folder exists and neither overwrite nor resume is set.
     *
     * @throws IOException naming the path and the options
     */
    void refuseExisting(ScoreConfig config) throws IOException {
        refuseExisting(fs, dir, config, "output");
        if (masks != null) {
            refuseExisting(masksFs, masks, config, "masks");
        }
    }

    /**
     * Prepares the folders of a run (see the class notes).
     *
     * @param resuming the run continues the existing output ({@link ResumePlan#resuming()})
     */
    Run begin(boolean resuming, boolean overwrite) throws IOException {
        if (resuming) {
            CompletionMarker.remove(fs, dir);
            if (masks != null) {
                CompletionMarker.remove(masksFs, masks);
            }
            return new Run(dir, masks, false);
        }
        if (overwrite) {
            Run run = new Run(AtomicFs.tempSibling(dir), masks == null ? null : AtomicFs.tempSibling(masks), true);
            mkdirs(fs, run.dir());
            return run;
        }
        mkdirs(fs, dir);
        return new Run(dir, masks, false);
    }

    void writeMetadata(Run run, ScoreMetadata metadata) throws IOException {
        metadata.write(fs, run.dir());
    }

    /**
     * Completes a run: writes {@code marker} into the masks folder, then into the output (last),
     * and, for a staged run, replaces the masks folder and then the output with the staged copies.
     * Nothing visible changes unless the run still holds its locks. The output's marker appears
     * last (in a staged run, with the output's rename); a run killed after the masks were replaced
     * leaves the new masks beside the previous output, whose marker then names another run than
     * the masks' marker.
     */
    void publish(Run run, CompletionMarker marker, OutputLock lock) throws IOException {
        if (masks != null) {
            marker.write(masksFs, run.masks());
        }
        lock.verifyHeld();
        if (!run.staged()) {
            marker.write(fs, dir);
            return;
        }
        marker.write(fs, run.dir());
        if (masks != null) {
            AtomicFs.publishDirectory(masksFs, run.masks(), masks, true);
        }
        AtomicFs.publishDirectory(fs, run.dir(), dir, true);
    }

    /**
     * After a failed run: deletes a staged run's copies (the previous output stays as it was). An
     * in-place run's published parts stay for {@code resume}.
     */
    void abandon(Run run) {
        if (run.staged()) {
            AtomicFs.deleteAfterFailure(fs, run.dir());
            if (masks != null) {
                AtomicFs.deleteAfterFailure(masksFs, run.masks());
            }
        }
    }

    private static Path canonical(String field, String path, Configuration hadoop) throws IOException {
        Path p = PathOverlap.canonical(path, hadoop);
        if (p.getParent() == null) {
            throw new IllegalArgumentException(field + " " + p + " is the root of its file system; choose a folder below "
                    + "it (overwrite replaces the whole " + field + ")");
        }
        return p;
    }

    private static void mkdirs(FileSystem fs, Path dir) throws IOException {
        if (!fs.mkdirs(dir)) {
            throw new IOException("cannot create " + dir);
        }
    }

    private static void refuseExisting(FileSystem fs, Path path, ScoreConfig config, String field) throws IOException {
        if (!config.overwrite() && !config.resume() && fs.exists(path)) {
            throw new FileAlreadyExistsException(field + " " + path + " already exists; set overwrite to replace it, resume to continue "
                    + "it, or choose another path");
        }
    }
}
