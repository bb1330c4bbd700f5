package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.model.spec.SegmentationSpec.BorderWeight;
import io.segpipe.prep.testkit.LocalSpark;

/**
 * The training job keeps {@code model.loss.borderWeight} when it fills in the dataset's class weights and
 * ignore label, and trains with it through the Spark training master (minibatches with a label mask).
 */
class BorderWeightSetupTest {

    @Test
    void theResolvedSpecKeepsTheBorderWeights(@TempDir Path tmp) throws IOException {
        BorderWeight border = new BorderWeight(8, 3, 0);
        SegmentationSpec spec = TrainFixtures.spec().toBuilder()
                .loss(SegmentationSpec.LossSpec.crossEntropy().withBorderWeight(border)).build();
        TrainSetup setup = TrainJob.setup(TrainFixtures.config(tmp).model(spec)
                .classWeights(ClassWeighting.MEDIAN_FREQUENCY).build(), LocalSpark.session());
        assertEquals(border, setup.spec().loss().borderWeight());
        assertEquals(255, setup.spec().loss().ignoreLabel());
        assertEquals(4, setup.spec().loss().classWeights().length);

        TrainSetup plain = TrainJob.setup(TrainFixtures.config(tmp).build(), LocalSpark.session());
        assertNull(plain.spec().loss().borderWeight(), "off by default");
    }

    @Test
    void aRunWithBorderWeightsTrainsAndRecordsThemInTheModel(@TempDir Path tmp) throws IOException {
        SegmentationSpec spec = TrainFixtures.spec().toBuilder()
                .loss(SegmentationSpec.LossSpec.crossEntropy().withBorderWeight(BorderWeight.PAPER)).build();
        TrainResult r = TrainJob.run(TrainFixtures.config(tmp).model(spec).epochs(2).checkpointEvery(0).build(),
                LocalSpark.session());
        assertTrue(Double.isFinite(r.last().loss()) && r.last().loss() > 0, "loss " + r.history());
        ModelDirectory.Info info = ModelDirectory.readInfo(r.output(), new Configuration());
        assertEquals(BorderWeight.PAPER, info.spec().loss().borderWeight());
    }
}
