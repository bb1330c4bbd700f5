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
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.jobs.model.MetricsHistory;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.Json;
import io.segpipe.prep.fs.AtomicFs;
import io.segpipe.prep.fs.HadoopFiles;

/**
 * Training checkpoints in one directory on any Hadoop file system:
 *
 * <pre>
 * &lt;dir&gt;/epoch-00007/model.zip    network with updater state (ModelSerializer)
 *                   state.json   {@link State}: epoch, seed (the RNG state), config, metrics, early-stopping state
 *       epoch-00008/...
 *       best/model.zip, best/state.json   the best network so far by val mIoU
 * </pre>
 *
 * Each checkpoint directory is staged as a hidden temporary sibling and renamed into place
 * ({@link AtomicFs#publishDirectory}), so a visible {@code epoch-*} directory is complete unless
 * it was damaged afterwards; only the newest {@code keep} are kept. The job's randomness
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
     */
    record State(String format, int epoch, long seed, String startedAt, SegmentationSpec spec, String configJson,
                 MetricsHistory metrics, int validationsWithoutImprovement) {
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
            try (var out = fs.create(new Path(staged, MODEL), true)) {
                ModelSerializer.writeModel(net, out, true);
            }
            try (var out = fs.create(new Path(staged, STATE), true)) {
                out.write(Json.write(state).getBytes(StandardCharsets.UTF_8));
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
     * The newest checkpoint, read and checked, or empty when there is none.
     *
     * @throws IOException naming the checkpoint when the newest one is incomplete or unreadable
     */
    Optional<Loaded> newest() throws IOException {
        List<Path> all = list();
        if (all.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(read(all.get(all.size() - 1)));
    }

    /** The best-model checkpoint, or empty. */
    Optional<Loaded> best() throws IOException {
        Path best = new Path(dir, BEST);
        return fs.exists(best) ? Optional.of(read(best)) : Optional.empty();
    }

    Loaded read(Path checkpoint) throws IOException {
        String hint = "; delete " + checkpoint + " to resume from an earlier checkpoint, or start afresh without resume";
        for (String name : List.of(STATE, MODEL)) {
            if (!fs.exists(new Path(checkpoint, name))) {
                throw new IOException("checkpoint " + checkpoint + " is incomplete: " + name + " is missing" + hint);
            }
        }
        State state;
        try {
            state = Json.read(HadoopFiles.readString(fs, new Path(checkpoint, STATE)), State.class);
        } catch (IllegalArgumentException | IOException e) {
            throw new IOException("checkpoint " + checkpoint + " is unreadable: " + STATE + ": " + e.getMessage() + hint, e);
        }
        if (!FORMAT.equals(state.format()) || state.spec() == null || state.metrics() == null) {
            throw new IOException("checkpoint " + checkpoint + " is unreadable: " + STATE + " is not a segpipe checkpoint"
                    + " state" + hint);
        }
        ComputationGraph net;
        try {
            net = ModelDirectory.readNetwork(fs, new Path(checkpoint, MODEL), true);
        } catch (FileNotFoundException e) {
            throw new IOException("checkpoint " + checkpoint + " is incomplete: " + e.getMessage() + hint, e);
        } catch (IOException e) {
            throw new IOException("checkpoint " + checkpoint + " is unreadable: " + e.getMessage() + hint, e);
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
