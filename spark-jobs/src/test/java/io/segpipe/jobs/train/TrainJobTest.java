package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.model.EpochMetrics;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.prep.testkit.LocalSpark;

@ExtendWith(LocalSpark.class)
class TrainJobTest {
    @TempDir
    Path tmp;

    @Test
    void trainingLowersTheLossAndBeatsTheTrivialPredictor() throws Exception {
        TrainResult r = TrainJob.run(TrainFixtures.config(tmp).epochs(6).build(), LocalSpark.session());
        EpochMetrics first = r.history().epochs().get(0);
        EpochMetrics last = r.last();
        assertEquals(6, r.epochs());
        assertTrue(last.loss() < first.loss() * 0.8, "loss " + first.loss() + " -> " + last.loss());
        // a trivial predictor (every pixel background) has IoU 0 on the 3 shape classes: mIoU <= 0.25
        assertTrue(r.modelValMeanIoU() > 0.3, "val mIoU " + r.modelValMeanIoU());
        ModelDirectory.Loaded model = ModelDirectory.read(r.output(), new Configuration());
        assertEquals(r.modelEpoch(), model.info().provenance().training().modelEpoch());
        assertEquals(6, model.info().metrics().epochs().size());
        assertTrue(Files.exists(Path.of(java.net.URI.create(r.checkpoints())).resolve("epoch-00006")));

        // local mode: the driver's JVM is the one worker, and it has at least the resident set it has now
        assertEquals(1, r.workerMemory().size(), r.workerMemory().toString());
        WorkerMemory worker = r.workerMemory().get(0);
        assertEquals(ProcessHandle.current().pid(), worker.pid());
        assertTrue(worker.peakResidentBytes() >= io.segpipe.model.bench.ProcessMemory.residentBytes() / 2
                && worker.peakResidentBytes() <= io.segpipe.model.bench.ProcessMemory.peakResidentBytes(),
                worker.describe());
    }
}
