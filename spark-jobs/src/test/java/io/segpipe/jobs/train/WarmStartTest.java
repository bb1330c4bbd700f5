package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.model.spec.DeepSupervision;
import io.segpipe.prep.testkit.LocalSpark;

/** initialModel: a new run starts from another model directory's weights. */
@ExtendWith(LocalSpark.class)
class WarmStartTest {
    @TempDir
    Path tmp;

    @Test
    void startsFromTheInitialModelsWeights() throws Exception {
        TrainConfig.Builder frozen = frozen();
        String first = TrainJob.run(frozen.output(tmp.resolve("a").toString()).seed(1).build(), LocalSpark.session()).output();
        String warm = TrainJob.run(frozen.output(tmp.resolve("b").toString()).seed(2).initialModel(first).build(),
                LocalSpark.session()).output();
        String cold = TrainJob.run(frozen.output(tmp.resolve("c").toString()).seed(2).initialModel("").build(),
                LocalSpark.session()).output();

        INDArray a = params(first);
        assertTrue(a.sub(params(warm)).amaxNumber().doubleValue() < 1e-6, "warm start did not load the initial weights");
        assertTrue(a.sub(params(cold)).amaxNumber().doubleValue() > 1e-2, "a cold start with another seed should differ");
    }

    @Test
    void aNetworkThatExtendsTheInitialModelGetsItsWeightsAndKeepsItsNewLayersInitialised() throws Exception {
        // the same U-Net plus deep supervision's side heads and fusion, warm-started from a model without them
        TrainConfig.Builder frozen = frozen();
        String plain = TrainJob.run(frozen.output(tmp.resolve("plain").toString()).seed(1).build(), LocalSpark.session())
                .output();
        String deep = TrainJob.run(frozen.output(tmp.resolve("deep").toString()).seed(2).initialModel(plain)
                .model(TrainFixtures.spec().toBuilder().batchNorm(false).deepSupervision(DeepSupervision.of("down1", "up1"))
                        .build()).build(), LocalSpark.session()).output();

        Map<String, INDArray> from = network(plain).paramTable();
        Map<String, INDArray> to = network(deep).paramTable();
        assertTrue(to.size() > from.size(), "side heads and fusion add parameters: " + to.keySet());
        from.forEach((name, values) -> assertTrue(values.sub(to.get(name)).amaxNumber().doubleValue() < 1e-6,
                name + " was not loaded"));
    }

    @Test
    void aModelOfAnotherShapeIsRefusedBeforeTraining() throws Exception {
        TrainConfig.Builder base = TrainFixtures.config(tmp).valSplit("").checkpointEvery(0).epochs(1);
        String small = TrainJob.run(base.output(tmp.resolve("small").toString()).build(), LocalSpark.session()).output();
        TrainConfig wider = base.output(tmp.resolve("wide").toString()).initialModel(small)
                .model(TrainFixtures.spec().toBuilder().widthMultiplier(0.25).build()).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainJob.run(wider, LocalSpark.session()));
        assertTrue(e.getMessage().startsWith("initialModel " + small + " does not fit the configured model"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> base.resume(true).checkpointEvery(1).build(),
                "resume and initialModel together");
    }

    /**
     * One epoch that leaves the weights where they started: no batch norm (its running statistics
     * move without a gradient), no weight decay and a learning rate of 1e-9.
     */
    private TrainConfig.Builder frozen() {
        return TrainFixtures.config(tmp)
                .model(TrainFixtures.spec().toBuilder().batchNorm(false).build())
                .optimizer(OptimizerConfig.builder().learningRate(1e-9).weightDecay(0)
                        .schedule(OptimizerConfig.Schedule.CONSTANT).build())
                .valSplit("").checkpointEvery(0).epochs(1);
    }

    private static INDArray params(String modelDir) throws Exception {
        return network(modelDir).params();
    }

    private static ComputationGraph network(String modelDir) throws Exception {
        return ModelDirectory.read(modelDir, new Configuration()).network();
    }
}
