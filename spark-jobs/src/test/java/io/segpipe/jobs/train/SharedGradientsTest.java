package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.prep.testkit.LocalSpark;

/**
 * Gradient sharing (experimental) starts and trains on local[2] with the Aeron timeout fix.
 *
 * <p>Tagged {@code slow}, so it runs with {@code -Pslow} only: in one of five full builds on
 * 2026-12-01 its second epoch never ended. Both workers waited in DL4J's
 * {@code SharedTrainingWrapper.run} ({@code BlockingObserver.waitTillDone}, dl4j-spark-parameterserver
 * 1.0.0-M2.1) with the driver in {@code treeAggregate}, and the build hung until stopped. The
 * timeout turns such a hang into a failure. Known limitation besides (see {@link MasterConfig}):
 * after the first {@code fit} call (epoch) the workers' iterations no longer reach the listeners,
 * so only epoch 1 reports a loss.
 */
@Tag("slow")
@ExtendWith(LocalSpark.class)
class SharedGradientsTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sharedGradientsTrains() throws Exception {
        TrainResult r = TrainJob.run(TrainFixtures.config(tmp).epochs(2).checkpointEvery(0)
                .master(MasterConfig.builder().mode(MasterConfig.Mode.SHARED_GRADIENTS).workers(2).batchSizePerWorker(4)
                        .build()).build(), LocalSpark.session());
        assertEquals(2, r.epochs());
        assertTrue(Double.isFinite(r.history().epochs().get(0).loss()), "epoch 1 loss reported through the listener");
        assertNotNull(ModelDirectory.readInfo(r.output(), new Configuration()));
    }
}
