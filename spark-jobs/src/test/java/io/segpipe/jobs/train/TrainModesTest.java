package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.ui.model.storage.sqlite.J7FileStatsStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.jobs.data.AugmentConfig;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.model.spec.DeepSupervision;
import io.segpipe.prep.testkit.LocalSpark;

/**
 * SGD with a step schedule scaled to the global batch after warm-up, weight decay, median-frequency
 * weights, full augmentation, the stats file, and a network with deep supervision (side outputs,
 * their fusion and the stacked loss trained by parameter averaging, saved and loaded again).
 */
@ExtendWith(LocalSpark.class)
class TrainModesTest {
    @TempDir
    Path tmp;

    @Test
    void sgdStepScheduleWeightsAugmentationAndStatsFile() throws Exception {
        Path stats = tmp.resolve("stats.db");
        DeepSupervision supervision = DeepSupervision.of("down1", "up1");
        TrainResult r = TrainJob.run(TrainFixtures.config(tmp).epochs(2).classWeights(ClassWeighting.MEDIAN_FREQUENCY)
                .model(TrainFixtures.spec().toBuilder().deepSupervision(supervision).build())
                .augment(AugmentConfig.builder().brightness(0.1).contrast(0.1).elasticProbability(0.5).build())
                .optimizer(OptimizerConfig.builder().type(OptimizerConfig.Type.SGD).learningRate(1e-4).weightDecay(1e-4)
                        .schedule(OptimizerConfig.Schedule.STEP).stepEpochs(1).gamma(0.5)
                        // tuned for a global batch of 2; this run's is 2 workers x 4 = 8: 4x (linear) after 1 epoch
                        .referenceBatch(2).warmupEpochs(1).build())
                .statsFile(stats.toString()).statsEvery(1).checkpointEvery(0).build(), LocalSpark.session());
        assertEquals(1e-4, r.history().epochs().get(0).learningRate(), 1e-15, "warm-up starts at the unscaled rate");
        assertEquals(4 * 5e-5, r.history().epochs().get(1).learningRate(), 1e-15);
        assertTrue(r.last().loss() < r.history().epochs().get(0).loss(), "SGD lowers the loss: " + r.history());
        assertEquals("", r.checkpoints());
        J7FileStatsStorage written = new J7FileStatsStorage(stats.toFile());
        try {
            assertEquals(1, written.listSessionIDs().size(), "both epochs report to one UI session");
            String session = written.listSessionIDs().get(0);
            assertTrue(session.startsWith("segpipe-train-"), session);
            assertTrue(written.getNumUpdateRecordsFor(session) >= 2, "a report per minibatch (statsEvery 1)");
        } finally {
            written.close();
        }
        ModelDirectory.Info info = ModelDirectory.readInfo(r.output(), new Configuration());
        double[] weights = info.spec().loss().classWeights();
        assertNotNull(weights, "median-frequency weights from the manifest");
        assertEquals(info.dataManifest().classWeights().medianFrequency().get(1), weights[1], 1e-12);
        assertEquals(255, info.spec().loss().ignoreLabel());
        assertEquals(supervision, info.spec().deepSupervision());
        assertTrue(r.modelValMeanIoU() != null && r.modelValMeanIoU() > 0, "validated: " + r.modelValMeanIoU());
        ModelDirectory.Loaded loaded = ModelDirectory.read(r.output(), new Configuration()); // the spec rebuilds the graph
        INDArray out = loaded.network().outputSingle(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32));
        assertArrayEquals(new long[] {2, 4, 32, 32}, out.shape(), "inference returns one output, the fused one");
        assertTrue(loaded.network().getParam("side-fusion_W").sub(1.0 / 3).amaxNumber().doubleValue() > 0,
                "the fusion weights trained");
    }
}
