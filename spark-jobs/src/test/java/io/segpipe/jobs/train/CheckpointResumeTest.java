package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.jobs.testkit.CapturedLog;
import io.segpipe.prep.testkit.LocalSpark;

/**
 * A run interrupted after epoch 2 and resumed to epoch 4 against an uninterrupted 4-epoch run with
 * the same seed: they end bit-identical. Augmentation, shuffling and the averaging splits are drawn
 * from (seed, epoch), and the checkpoint holds parameters, updater state and the iteration count,
 * so the resumed run repeats the uninterrupted one exactly.
 *
 * <p>Exact with 2 workers (the fixture's): the driver adds the workers' parameter and updater sums
 * in the order their tasks finish, and with two partial sums that is one commutative addition.
 * With more workers the order, and so the last bits, differ between any two runs, resumed or not.
 *
 * <p>A resume whose newest checkpoint was cut short after it was written (its model.zip no longer
 * hashes to the SHA-256 its state.json records) falls back to the previous checkpoint, says so in
 * one warning, and still ends where the uninterrupted run ends.
 */
@ExtendWith(LocalSpark.class)
class CheckpointResumeTest {
    @TempDir
    static Path shared;
    /** The uninterrupted 4-epoch run both tests compare with. */
    private static TrainResult full;

    @TempDir
    Path tmp;

    /** Validation only at the end keeps the comparison about training. */
    private static TrainConfig.Builder base(Path out) {
        return TrainFixtures.config(out).epochs(4).validateEvery(4).keepCheckpoints(2);
    }

    private static synchronized TrainResult uninterrupted() throws Exception {
        if (full == null) {
            full = TrainJob.run(base(shared).output(shared.resolve("full").toString())
                    .checkpointDir(shared.resolve("full-ckpt").toString()).build(), LocalSpark.session());
        }
        return full;
    }

    @Test
    void aResumedRunEndsWhereTheUninterruptedOneEnds() throws Exception {
        TrainConfig.Builder base = base(tmp);
        TrainResult full = uninterrupted();

        String ckpt = tmp.resolve("part-ckpt").toString();
        // the "interrupted" run: same configuration, stopped after epoch 2 by a smaller epoch count... which would
        // change the poly schedule, so the schedule here is constant (TrainFixtures) and only epochs differ
        TrainResult firstHalf = TrainJob.run(base.epochs(2).output(tmp.resolve("half").toString()).checkpointDir(ckpt)
                .build(), LocalSpark.session());
        assertEquals(2, firstHalf.epochs());
        try (Stream<Path> dirs = Files.list(Path.of(URI.create(firstHalf.checkpoints())))) {
            List<String> names = dirs.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
            assertEquals(List.of("best", "epoch-00001", "epoch-00002", MetricsLog.FILE), names);
        }
        TrainResult resumed = TrainJob.run(base.epochs(4).output(tmp.resolve("resumed").toString()).checkpointDir(ckpt)
                .resume(true).build(), LocalSpark.session());
        assertNotNull(resumed.resumedFrom());
        assertTrue(resumed.resumedFrom().endsWith("epoch-00002"), resumed.resumedFrom());
        assertEquals(2, resumed.epochsThisRun());
        assertEquals(4, resumed.history().epochs().size(), "the history continues across the resume");
        try (Stream<Path> dirs = Files.list(Path.of(URI.create(resumed.checkpoints())))) {
            assertEquals(List.of("best", "epoch-00003", "epoch-00004", MetricsLog.FILE),
                    dirs.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList(),
                    "only the newest 2 kept");
        }

        assertBitIdentical(full, resumed);
    }

    @Test
    void aTruncatedNewestCheckpointFallsBackToThePreviousOneAndEndsTheSame() throws Exception {
        TrainConfig.Builder base = base(tmp);
        TrainResult full = uninterrupted();
        String ckpt = tmp.resolve("part-ckpt").toString();
        TrainJob.run(base.epochs(3).output(tmp.resolve("three").toString()).checkpointDir(ckpt).build(),
                LocalSpark.session());
        // the newest checkpoint's model file cut to half, as by a copy that stopped short (which leaves no
        // checksum file of Hadoop's local file system behind)
        Path damaged = Path.of(ckpt, "epoch-00003", Checkpoints.MODEL);
        long length = Files.size(damaged);
        try (RandomAccessFile f = new RandomAccessFile(damaged.toFile(), "rw")) {
            f.setLength(length / 2);
        }
        Files.deleteIfExists(damaged.resolveSibling("." + Checkpoints.MODEL + ".crc"));

        TrainResult resumed;
        try (CapturedLog log = new CapturedLog(Checkpoints.class)) {
            resumed = TrainJob.run(base.epochs(4).output(tmp.resolve("resumed").toString()).checkpointDir(ckpt)
                    .resume(true).build(), LocalSpark.session());
            List<String> warnings = log.at("WARN");
            assertEquals(1, warnings.size(), "one line: " + warnings);
            String line = warnings.get(0);
            assertTrue(line.startsWith("resume: checkpoint file:" + Path.of(ckpt).resolve("epoch-00003") + " is damaged: its "
                    + "model.zip (" + length / 2 + " bytes) has SHA-256 "), line);
            assertTrue(line.endsWith("(cut short or changed after it was written); resuming from the previous usable "
                    + "checkpoint epoch-00002 instead"), line);
        }
        assertTrue(resumed.resumedFrom().endsWith("epoch-00002"), resumed.resumedFrom());
        assertEquals(2, resumed.epochsThisRun(), "epochs 3 and 4 trained again");
        assertEquals(4, resumed.history().epochs().size());
        assertBitIdentical(full, resumed);
    }

    /** Parameters, updater state, iteration count, the last two epochs' losses and val mIoU: bitwise equal. */
    private static void assertBitIdentical(TrainResult full, TrainResult resumed) throws Exception {
        ComputationGraph a = lastCheckpoint(full);
        ComputationGraph b = lastCheckpoint(resumed);
        // float[] comparisons are bitwise (INDArray.equals would allow 1e-5)
        assertArrayEquals(a.params().data().asFloat(), b.params().data().asFloat(), "parameters");
        assertArrayEquals(a.getUpdater().getStateViewArray().data().asFloat(),
                b.getUpdater().getStateViewArray().data().asFloat(), "updater state");
        assertEquals(a.getConfiguration().getIterationCount(), b.getConfiguration().getIterationCount());
        assertEquals(full.history().epochs().get(2).loss(), resumed.history().epochs().get(2).loss(), "epoch-3 loss");
        assertEquals(full.last().loss(), resumed.last().loss(), "epoch-4 loss");
        assertEquals(full.last().valMeanIoU(), resumed.last().valMeanIoU(), "val mIoU");
    }

    private static ComputationGraph lastCheckpoint(TrainResult r) throws Exception {
        Path dir = Path.of(URI.create(r.checkpoints())).resolve("epoch-00004");
        return ModelDirectory.readNetwork(org.apache.hadoop.fs.FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(dir.resolve("model.zip").toUri()), true);
    }
}
