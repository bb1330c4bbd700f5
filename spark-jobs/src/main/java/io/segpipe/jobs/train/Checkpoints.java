package io.segpipe.jobs.train;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.jobs.model.MetricsHistory;
import io.segpipe.model.io.ModelFile;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.Json;
import io.segpipe.prep.fs.AtomicFs;
import io.segpipe.prep.fs.HadoopFiles;

/**
 * Training checkpoints in one directory on any Hadoop file system:
 *
 * <pre>
 * &lt;dir&gt;/epoch-00007/model.zip    network with updater state ({@link ModelFile})
 *                   state.json   {@link State}: epoch, seed (the RNG state), config, metrics, early-stopping state,
 *                                model.zip's SHA-256
 *       epoch-00008/...
 *       best/model.zip, best/state.json   the best network so far by val mIoU
 * </pre>
 *
 * Each checkpoint directory is staged as a hidden temporary sibling and renamed into place
 * ({@link AtomicFs#publishDirectory}), so a visible {@code epoch-*} directory is complete unless
 * it was damaged afterwards; only the newest {@code keep} are kept. Damage afterwards (a copy cut
 * short, a disk that lost the tail of a file) shows as a {@code model.zip} that no longer hashes to
 * the SHA-256 its state records, found before the zip is parsed; {@link #newestUsable} then falls
 * back to the previous checkpoint and logs why. The job's randomness
 * (augmentation, shuffling, the ND4J driver RNG) is derived from (seed, epoch), so seed and epoch
 * are the whole RNG state: a resumed run draws what the uninterrupted run would have drawn.
 */
final class Checkpoints {
    static final String PREFIX = "epoch-";
    static final String BEST = "best";
    static final String MODEL = "model.zip";
    static final String STATE = "state.json";
    static final String FORMAT = "segpipe-checkpoint";
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    /**
     * What a checkpoint records besides the network.
     *
     * @param format                        always {@value #FORMAT}
     * @param epoch                         epochs completed (1-based number of the last one)
     * @param seed                          the run's seed; with {@code epoch}, the RNG state
     * @param startedAt                     when the run (first attempt) started
     * @param spec                          the network's spec (class weights and ignore label resolved)
     * @param configJson                    the training configuration of the run that wrote it
     * @param metrics                       metrics of every epoch so far
     * @param validationsWithoutImprovement early-stopping counter
     * @param modelSha256                   SHA-256 of the checkpoint's model.zip, filled in when it is written; null
     *                                      in checkpoints of an earlier segpipe (their model file is judged by parsing)
     */
    record State(String format, int epoch, long seed, String startedAt, SegmentationSpec spec, String configJson,
                 MetricsHistory metrics, int validationsWithoutImprovement, String modelSha256) {

        /** A state to write; {@link #write} records the model file's hash. */
        State(String format, int epoch, long seed, String startedAt, SegmentationSpec spec, String configJson,
              MetricsHistory metrics, int validationsWithoutImprovement) {
            this(format, epoch, seed, startedAt, spec, configJson, metrics, validationsWithoutImprovement, null);
        }

        State withModelSha256(String sha256) {
            return new State(format, epoch, seed, startedAt, spec, configJson, metrics, validationsWithoutImprovement,
                    sha256);
        }
    }

    /** A checkpoint read back. */
    record Loaded(String path, ComputationGraph network, State state) {
    }

    private final FileSystem fs;
    private final Path dir;
    private final int keep;

    Checkpoints(FileSystem fs, Path dir, int keep) {
        this.fs = fs;
        this.dir = fs.makeQualified(dir);
        this.keep = keep;
    }

    Path dir() {
        return dir;
    }

    /** The file system of {@link #dir}. */
    FileSystem fs() {
        return fs;
    }

    /** Writes the checkpoint of {@code state.epoch()} atomically, then deletes all but the newest {@code keep}. */
    void write(ComputationGraph net, State state) throws IOException {
        publish(new Path(dir, String.format("%s%05d", PREFIX, state.epoch())), net, state);
        List<Path> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            if (!fs.delete(all.get(i), true)) {
                LOG.warn("Could not delete old checkpoint {}", all.get(i));
            }
        }
    }

    /** Replaces the best-model checkpoint. */
    void writeBest(ComputationGraph net, State state) throws IOException {
        publish(new Path(dir, BEST), net, state);
    }

    private void publish(Path target, ComputationGraph net, State state) throws IOException {
        fs.mkdirs(dir);
        Path staged = AtomicFs.tempSibling(target);
        boolean done = false;
        try {
            fs.mkdirs(staged);
            byte[] model = ModelFile.write(net, true);
            try (var out = fs.create(new Path(staged, MODEL), true)) {
                out.write(model);
            }
            try (var out = fs.create(new Path(staged, STATE), true)) {
                out.write(Json.write(state.withModelSha256(ModelFile.sha256(model))).getBytes(StandardCharsets.UTF_8));
            }
            AtomicFs.publishDirectory(fs, staged, target, true);
            done = true;
        } finally {
            if (!done) {
                AtomicFs.deleteAfterFailure(fs, staged);
            }
        }
    }

    /** Visible {@code epoch-*} directories, oldest first. */
    List<Path> list() throws IOException {
        if (!fs.exists(dir)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        for (FileStatus s : fs.listStatus(dir)) {
            String name = s.getPath().getName();
            if (name.startsWith(PREFIX) && name.substring(PREFIX.length()).matches("\\d+")) {
                found.add(s.getPath());
            }
        }
        found.sort(Comparator.comparingInt(p -> Integer.parseInt(p.getName().substring(PREFIX.length()))));
        return found;
    }

    /**
     * The newest checkpoint that reads and checks, or empty when there is none. Each newer one that
     * does not (incomplete, unreadable, or a model file that no longer hashes to what its state
     * records) is skipped with one warning naming it, why, and the checkpoint used instead.
     *
     * @throws IOException naming the newest checkpoint and its problem when no checkpoint is usable
     */
    Optional<Loaded> newestUsable() throws IOException {
        List<Path> all = list();
        List<IOException> unusable = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                Loaded loaded = read(all.get(i));
                for (IOException e : unusable) {
                    LOG.warn("resume: {}; resuming from the previous usable checkpoint {} instead", e.getMessage(),
                            all.get(i).getName());
                }
                return Optional.of(loaded);
            } catch (IOException e) {
                unusable.add(e);
            }
        }
        if (unusable.isEmpty()) {
            return Optional.empty();
        }
        IOException newest = unusable.get(0);
        IOException none = new IOException(newest.getMessage() + (unusable.size() > 1 ? "; no earlier checkpoint in "
                + dir + " is usable either" : "") + "; start afresh without resume (overwrite discards these checkpoints)",
                newest.getCause());
        unusable.subList(1, unusable.size()).forEach(none::addSuppressed);
        throw none;
    }

    /**
     * The best-model checkpoint, or empty when there is none or it is unusable (logged: the best is
     * then tracked from the resumed epoch on).
     */
    Optional<Loaded> best() throws IOException {
        Path best = new Path(dir, BEST);
        if (!fs.exists(best)) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(best));
        } catch (IOException e) {
            LOG.warn("resume: {}; the best network is tracked from the resumed epoch on", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Reads one checkpoint: state, then the model file's bytes, checked against the SHA-256 the
     * state records before the zip is parsed.
     *
     * @throws IOException naming the checkpoint and what is wrong with it
     */
    Loaded read(Path checkpoint) throws IOException {
        for (String name : List.of(STATE, MODEL)) {
            if (!fs.exists(new Path(checkpoint, name))) {
                throw new IOException("checkpoint " + checkpoint + " is incomplete: " + name + " is missing");
            }
        }
        State state;
        try {
            state = Json.read(HadoopFiles.readString(fs, new Path(checkpoint, STATE)), State.class);
        } catch (IllegalArgumentException | IOException e) {
            throw new IOException("checkpoint " + checkpoint + " is unreadable: " + STATE + ": " + e.getMessage(), e);
        }
        if (!FORMAT.equals(state.format()) || state.spec() == null || state.metrics() == null) {
            throw new IOException("checkpoint " + checkpoint + " is unreadable: " + STATE + " is not a segpipe checkpoint"
                    + " state");
        }
        byte[] model;
        try {
            model = HadoopFiles.readBytes(fs, new Path(checkpoint, MODEL));
        } catch (FileNotFoundException e) {
            throw new IOException("checkpoint " + checkpoint + " is incomplete: " + MODEL + " is missing", e);
        } catch (IOException e) {
            // e.g. the local file system's own checksum of a file cut short
            throw new IOException("checkpoint " + checkpoint + " is unreadable: " + MODEL + ": " + e.getMessage(), e);
        }
        if (state.modelSha256() != null && !ModelFile.sha256(model).equalsIgnoreCase(state.modelSha256())) {
            throw new IOException("checkpoint " + checkpoint + " is damaged: its " + MODEL + " (" + model.length
                    + " bytes) has SHA-256 " + ModelFile.sha256(model) + " but " + STATE + " records "
                    + state.modelSha256() + " (cut short or changed after it was written)");
        }
        ComputationGraph net;
        try {
            net = ModelFile.read(model, true, new Path(checkpoint, MODEL).toString());
        } catch (IOException e) {
            throw new IOException("checkpoint " + checkpoint + " is unreadable: " + e.getMessage(), e);
        }
        return new Loaded(checkpoint.toString(), net, state);
    }

    /** Deletes every checkpoint (a fresh run over an old checkpoint directory with overwrite). */
    void clear() throws IOException {
        if (fs.exists(dir) && !fs.delete(dir, true)) {
            throw new IOException("cannot delete old checkpoint directory " + dir);
        }
    }
}
