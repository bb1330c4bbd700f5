package io.segpipe.jobs.score;

import java.io.IOException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a scoring run writes (driver side): the Parquet output directory and, optionally, the
 * masks folder, both qualified.
 *
 * @param fs    the output's file system
 * @param dir   the output directory
 * @param masks the masks folder, or null
 */
record ScoreOutput(FileSystem fs, Path dir, Path masks) {

    /**
     * The locations {@code config} names.
     *
     * @throws IOException when one exists and neither overwrite nor resume is set
     */
    static ScoreOutput of(ScoreConfig config, Configuration hadoop) throws IOException {
        Path dir = qualify(config.output(), hadoop);
        Path masks = config.masks() == null ? null : qualify(config.masks(), hadoop);
        ScoreOutput output = new ScoreOutput(dir.getFileSystem(hadoop), dir, masks);
        refuseExisting(output.fs, dir, config, "output");
        if (masks != null) {
            refuseExisting(masks.getFileSystem(hadoop), masks, config, "masks");
        }
        return output;
    }

    /** Creates the output directory for a run that does not resume, after deleting both locations with overwrite. */
    void startFresh(boolean overwrite, Configuration hadoop) throws IOException {
        if (overwrite) {
            deleteIfExists(fs, dir);
            if (masks != null) {
                deleteIfExists(masks.getFileSystem(hadoop), masks);
            }
        }
        fs.mkdirs(dir);
    }

    void writeMetadata(ScoreMetadata metadata) throws IOException {
        metadata.write(fs, dir);
    }

    private static Path qualify(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        return p.getFileSystem(conf).makeQualified(p);
    }

    private static void refuseExisting(FileSystem fs, Path path, ScoreConfig config, String field) throws IOException {
        if (!config.overwrite() && !config.resume() && fs.exists(path)) {
            throw new IOException(field + " " + path + " already exists; set overwrite to replace it, resume to continue "
                    + "it, or choose another path");
        }
    }

    private static void deleteIfExists(FileSystem fs, Path p) throws IOException {
        if (fs.exists(p) && !fs.delete(p, true)) {
            throw new IOException("cannot delete " + p + " to overwrite it");
        }
    }
}
