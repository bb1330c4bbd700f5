package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import io.segpipe.jobs.cli.ConfigLoader;
import io.segpipe.jobs.cli.UserException;
import io.segpipe.jobs.data.AugmentConfig;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.reader.Normalization;

class TrainConfigTest {

    static SegmentationSpec spec() {
        return SegmentationSpec.builder(Architecture.UNET, 4).depth(2).inputSize(32, 32).build();
    }

    static TrainConfig.Builder valid() {
        return TrainConfig.builder().dataset("hdfs:///data/synth").output("hdfs:///models/m").model(spec());
    }

    @Test
    void everyOptionRoundTripsThroughJson() {
        TrainConfig c = valid().overwrite(true).classWeights(ClassWeighting.INVERSE_FREQUENCY).trainSplit("a")
                .valSplit("b").normalization(Normalization.IMAGENET).inputScale(0.5)
                .augment(AugmentConfig.builder().scaleMin(0.6).scaleMax(1.7).horizontalFlip(false).brightness(0.2)
                        .contrast(0.3).elasticProbability(0.4).elasticSigma(7).elasticGrid(4).build())
                .optimizer(OptimizerConfig.builder().type(OptimizerConfig.Type.SGD).learningRate(0.05).momentum(0.95)
                        .weightDecay(5e-4).schedule(OptimizerConfig.Schedule.STEP).stepEpochs(3).gamma(0.5).referenceBatch(6)
                        .batchScaling(OptimizerConfig.BatchScaling.LINEAR).warmupEpochs(2).build())
                .master(MasterConfig.builder().mode(MasterConfig.Mode.PARAMETER_AVERAGING).workers(3).batchSizePerWorker(2)
                        .averagingFrequency(7).aggregationDepth(3).prefetchBatches(0)
                        .storageLevel(MasterConfig.StorageLevel.DISK_ONLY).repartition(MasterConfig.Repartition.ALWAYS)
                        .repartitionStrategy(MasterConfig.RepartitionStrategy.SPARK_DEFAULT).threadsPerTask(2).build())
                .epochs(9).validateEvery(3).earlyStoppingPatience(2).earlyStoppingMinDelta(0.01).valBatchSize(2)
                .checkpointDir("/ckpt").checkpointEvery(2).keepCheckpoints(3).resume(true).statsFile("/tmp/stats.db")
                .seed(99).maxMinutes(30).maxCorruptFraction(0.05).maxSecondsWithoutExecutors(60).build();
        TrainConfig back = TrainConfig.fromJson(c.toJson());
        assertEquals(c, back);
        assertEquals(MasterConfig.StorageLevel.DISK_ONLY, back.master().storageLevel());
        assertEquals(99, back.model().seed(), "the config seed seeds the network");
    }

    @Test
    void theRemovedGradientSharingModeIsNamedWithTheReason() {
        String json = valid().build().toJson().replace("\"PARAMETER_AVERAGING\"", "\"SHARED_GRADIENTS\"");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromJson(json));
        assertTrue(e.getMessage().contains("master.mode SHARED_GRADIENTS was removed: DL4J's gradient sharing"
                + " (dl4j-spark-parameterserver 1.0.0-M2) trains only the first epoch of a run correctly"), e.getMessage());
        String lower = valid().build().toJson().replace("\"PARAMETER_AVERAGING\"", "\"parameter_averaging\"");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromJson(lower)).getMessage()
                .contains("master.mode must be PARAMETER_AVERAGING, found parameter_averaging"));
    }

    @Test
    void omittedOptionsTakeTheDefaults() {
        TrainConfig c = TrainConfig.fromJson("{\"dataset\": \"d\", \"output\": \"o\", \"model\": " + spec().toJson() + "}");
        assertEquals(valid().dataset("d").output("o").build(), c);
        assertEquals(ClassWeighting.MEDIAN_FREQUENCY, c.classWeights());
        assertEquals(0.5, c.augment().scaleMin());
        assertEquals(2.0, c.augment().scaleMax());
        assertEquals("o.checkpoints", c.checkpointPath());
        assertTrue(c.validatesAfter(1) && c.checkpointsAfter(30));
    }

    @Test
    void unknownOptionsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromJson(
                "{\"dataset\": \"d\", \"output\": \"o\", \"epochz\": 3, \"model\": " + spec().toJson() + "}"));
        assertTrue(e.getMessage().contains("epochz"), e.getMessage());
    }

    @Test
    void outOfRangeValuesNameTheField() {
        List<Case> cases = List.of(
                new Case(b -> b.epochs(0), "epochs must be >= 1, found 0"),
                new Case(b -> b.dataset(""), "dataset must be a non-empty string"),
                new Case(b -> b.inputScale(0.0), "inputScale must be in (0, 4], found 0.0"),
                new Case(b -> b.valSplit("train"), "valSplit must differ from trainSplit"),
                new Case(b -> b.keepCheckpoints(0), "keepCheckpoints must be >= 1, found 0"),
                new Case(b -> b.model(SegmentationSpec.builder(Architecture.UNET, 4).depth(2).build()),
                        "model.inputHeight and model.inputWidth must be set"),
                new Case(b -> b.model(SegmentationSpec.builder(Architecture.UNET, 4).depth(3).inputSize(36, 36).build()),
                        "takes without padding, e.g. 40x40; found 36x36"),
                new Case(b -> b.optimizer(OptimizerConfig.builder().learningRate(-1).build()),
                        "optimizer.learningRate must be in (0, 10], found -1.0"),
                new Case(b -> b.optimizer(OptimizerConfig.builder().momentum(1.5).build()), "optimizer.momentum"),
                new Case(b -> b.master(MasterConfig.builder().batchSizePerWorker(0).build()),
                        "master.batchSizePerWorker must be >= 1, found 0"),
                new Case(b -> b.augment(AugmentConfig.builder().scaleMin(0).build()), "augment.scaleMin"),
                new Case(b -> b.epochs(3).optimizer(OptimizerConfig.builder().referenceBatch(4).warmupEpochs(3).build()),
                        "optimizer.warmupEpochs must be below epochs (3), found 3"),
                new Case(b -> b.maxMinutes(-1), "maxMinutes"));
        for (Case c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.change.apply(valid()).build(),
                    c.message);
            assertTrue(e.getMessage().contains(c.message), "expected '" + c.message + "' in: " + e.getMessage());
        }
        IllegalArgumentException json = assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromJson(
                "{\"dataset\": \"d\", \"output\": \"o\", \"epochs\": -2, \"model\": " + spec().toJson() + "}"));
        assertTrue(json.getMessage().contains("epochs must be >= 1, found -2"), json.getMessage());
    }

    @Test
    void masterEnumOptionsAreReadIgnoringCaseAndBlanks() {
        TrainConfig c = TrainConfig.fromJson(withMaster("{\"storageLevel\": \"disk_only\", \"repartition\": \" Always \","
                + " \"repartitionStrategy\": \"spark_default\"}"));
        assertEquals(MasterConfig.StorageLevel.DISK_ONLY, c.master().storageLevel());
        assertEquals(MasterConfig.Repartition.ALWAYS, c.master().repartition());
        assertEquals(MasterConfig.RepartitionStrategy.SPARK_DEFAULT, c.master().repartitionStrategy());
        assertTrue(c.toJson().contains("\"storageLevel\" : \"DISK_ONLY\""), "written by constant name: " + c.toJson());
    }

    @Test
    void anInvalidMasterEnumOptionNamesTheFieldAndTheAllowedValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.fromJson(withMaster("{\"storageLevel\": \"FAST\"}")));
        assertTrue(e.getMessage().contains("master.storageLevel must be one of [DISK_ONLY, MEMORY_AND_DISK, "
                + "MEMORY_AND_DISK_SER, MEMORY_ONLY, MEMORY_ONLY_SER, NONE], found FAST"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.fromJson(withMaster("{\"repartition\": \"SOMETIMES\"}")));
        assertTrue(e.getMessage().contains("master.repartition must be one of [ALWAYS, NEVER, "
                + "NUM_PARTITIONS_WORKERS_DIFFERS], found SOMETIMES"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.fromJson(withMaster("{\"repartitionStrategy\": \"\"}")));
        assertTrue(e.getMessage().contains("master.repartitionStrategy must be one of [APPROXIMATE_BALANCED, BALANCED, "
                + "SPARK_DEFAULT], found "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.fromJson(withMaster("{\"storageLevel\": null}")));
        assertTrue(e.getMessage().contains("master.storageLevel must be set, found null"), e.getMessage());
    }

    @Test
    void theCommandLineNamesTheKeyOfAnInvalidMasterEnumOption() {
        UserException e = assertThrows(UserException.class, () -> ConfigLoader.load(TrainConfig.class, null,
                List.of("dataset=d", "output=o", "model=" + spec().toJson().replace("\n", " "),
                        "master.storageLevel=FAST")));
        assertEquals("--set: in 'master.storageLevel': master.storageLevel must be one of [DISK_ONLY, MEMORY_AND_DISK,"
                + " MEMORY_AND_DISK_SER, MEMORY_ONLY, MEMORY_ONLY_SER, NONE], found FAST", e.getMessage());
    }

    private static String withMaster(String master) {
        return "{\"dataset\": \"d\", \"output\": \"o\", \"master\": " + master + ", \"model\": " + spec().toJson() + "}";
    }

    @Test
    void learningRateSchedules() {
        OptimizerConfig poly = OptimizerConfig.builder().learningRate(0.1).schedule(OptimizerConfig.Schedule.POLY)
                .power(1).build();
        assertEquals(0.1, poly.learningRate(0, 10, 8), 1e-12);
        assertEquals(0.05, poly.learningRate(5, 10, 8), 1e-12);
        OptimizerConfig step = OptimizerConfig.builder().learningRate(0.1).schedule(OptimizerConfig.Schedule.STEP)
                .stepEpochs(2).gamma(0.5).build();
        assertEquals(0.1, step.learningRate(1, 10, 8), 1e-12);
        assertEquals(0.05, step.learningRate(2, 10, 8), 1e-12);
        assertEquals(0.025, step.learningRate(5, 10, 8), 1e-12);
        assertEquals(0.025, step.learningRate(5, 10, 64), 1e-12, "no referenceBatch: the batch does not matter");
    }

    @Test
    void theLearningRateFollowsTheGlobalBatchByTheOptimisersRule() {
        OptimizerConfig.Builder constant = OptimizerConfig.builder().learningRate(0.01)
                .schedule(OptimizerConfig.Schedule.CONSTANT).referenceBatch(8);
        OptimizerConfig adam = constant.type(OptimizerConfig.Type.ADAM).build();
        assertEquals(OptimizerConfig.BatchScaling.SQRT, adam.rule(), "AUTO is SQRT for Adam");
        assertEquals(0.02, adam.learningRate(0, 10, 32), 1e-12, "4x the batch: 2x the rate");
        assertEquals(0.005, adam.learningRate(0, 10, 2), 1e-12, "a quarter of the batch: half the rate");
        assertEquals(0.01, adam.learningRate(3, 10, 8), 1e-12, "the reference batch: the rate as given");
        OptimizerConfig sgd = constant.type(OptimizerConfig.Type.SGD).build();
        assertEquals(OptimizerConfig.BatchScaling.LINEAR, sgd.rule(), "AUTO is LINEAR for SGD");
        assertEquals(0.04, sgd.learningRate(0, 10, 32), 1e-12);
        OptimizerConfig forcedLinear = constant.type(OptimizerConfig.Type.ADAM)
                .batchScaling(OptimizerConfig.BatchScaling.LINEAR).build();
        assertEquals(0.04, forcedLinear.learningRate(0, 10, 32), 1e-12);

        OptimizerConfig poly = OptimizerConfig.builder().type(OptimizerConfig.Type.SGD).learningRate(0.1)
                .schedule(OptimizerConfig.Schedule.POLY).power(1).referenceBatch(4).build();
        assertEquals(0.05 * 4, poly.learningRate(5, 10, 16), 1e-12, "the factor multiplies the schedule's rate");
    }

    @Test
    void warmUpRampsTheBatchFactorFromOneToItsFullValue() {
        OptimizerConfig sgd = OptimizerConfig.builder().type(OptimizerConfig.Type.SGD).learningRate(0.1)
                .schedule(OptimizerConfig.Schedule.CONSTANT).referenceBatch(8).warmupEpochs(4).build();
        // global batch 40: factor 5, reached at epoch 4 in steps of 1
        double[] expected = {0.1, 0.2, 0.3, 0.4, 0.5, 0.5};
        for (int epoch = 0; epoch < expected.length; epoch++) {
            assertEquals(expected[epoch], sgd.learningRate(epoch, 10, 40), 1e-12, "epoch " + epoch);
        }
        assertEquals(0.1, sgd.learningRate(0, 10, 8), 1e-12, "no scaling to warm up to at the reference batch");
        assertThrows(IllegalArgumentException.class, () -> OptimizerConfig.builder().warmupEpochs(-1).build());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OptimizerConfig.builder().referenceBatch(-2)
                .build()).getMessage().contains("optimizer.referenceBatch"));
    }

    @Test
    void theCamVidConfigurationParses() throws Exception {
        // surefire runs in the module directory; conf/ is at the project root
        TrainConfig c = TrainConfig.fromJson(Files.readString(Path.of("../conf/train-camvid.json")));
        assertEquals(Architecture.UNET, c.model().architecture());
        assertEquals(11, c.model().numClasses());
        TrainConfig twoCore = TrainConfig.fromJson(Files.readString(Path.of("../conf/train-camvid-2core.json")));
        assertEquals(c.model(), twoCore.model());
    }

    @Test
    void borderWeightOptionsAreValidatedNamingTheOption() {
        UserException e = assertThrows(UserException.class, () -> ConfigLoader.load(TrainConfig.class, null,
                List.of("dataset=d", "output=o", "model=" + spec().toJson().replace("\n", " "),
                        "model.loss.borderWeight.sigma=0")));
        assertTrue(e.getMessage().contains("loss.borderWeight.sigma must be in (0, 1000] pixels, found 0.0"), e.getMessage());
        e = assertThrows(UserException.class, () -> ConfigLoader.load(TrainConfig.class, null,
                List.of("dataset=d", "output=o", "model=" + spec().toJson().replace("\n", " "),
                        "model.loss.borderWeight.w0=-1")));
        assertTrue(e.getMessage().contains("loss.borderWeight.w0 must be in [0, 1000], found -1.0"), e.getMessage());
        e = assertThrows(UserException.class, () -> ConfigLoader.load(TrainConfig.class, null,
                List.of("dataset=d", "output=o", "model=" + spec().toJson().replace("\n", " "),
                        "model.loss.borderWeight.backgroundClass=4")));
        assertTrue(e.getMessage().contains("loss.borderWeight.backgroundClass must be -1 (none) or a class id below "
                + "numClasses=4, found 4"), e.getMessage());
        TrainConfig paper = ConfigLoader.load(TrainConfig.class, null, List.of("dataset=d", "output=o",
                "model=" + spec().toJson().replace("\n", " "), "model.loss.borderWeight.w0=10"));
        assertEquals(SegmentationSpec.BorderWeight.PAPER, paper.model().loss().borderWeight());
        assertEquals(paper, TrainConfig.fromJson(paper.toJson()));
    }

    @Test
    void theIsbiConfigurationTrainsWithoutBorderWeightsAndTakesThePapersOnesFromOneOverride() {
        TrainConfig isbi = ConfigLoader.load(TrainConfig.class, "../conf/train-isbi.conf", List.of());
        assertNull(isbi.model().loss().borderWeight(), "measured worse on ISBI (docs/benchmarks.md)");
        TrainConfig paper = ConfigLoader.load(TrainConfig.class, "../conf/train-isbi.conf",
                List.of("model.loss.borderWeight.w0=10"));
        assertEquals(SegmentationSpec.BorderWeight.PAPER, paper.model().loss().borderWeight());
    }

    private record Case(UnaryOperator<TrainConfig.Builder> change, String message) {
    }
}
