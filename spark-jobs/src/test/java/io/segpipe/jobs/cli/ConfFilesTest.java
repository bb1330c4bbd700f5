package io.segpipe.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.segpipe.jobs.eval.EvalConfig;
import io.segpipe.jobs.retrain.RetrainConfig;
import io.segpipe.jobs.score.ScoreConfig;
import io.segpipe.jobs.train.TrainConfig;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.Backbone;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.job.PrepConfig;

/**
 * Every configuration shipped in conf/ binds to its job's config record, as the CLI would read it,
 * and is fit to start a cluster job from: no time cap, no overwrite, training workers taken from the
 * cluster, and a dataset the matching prep configuration produces ({@code train-camvid-fullres.json}
 * reads what {@code prep-camvid.conf} writes). Files named {@code *-2core*} hold
 * the settings a benchmark measured on a 2-core machine and keep them. Every architecture file of
 * conf/models/ binds to a model spec (as a training configuration's {@code model} block includes it).
 */
class ConfFilesTest {
    private static final Path CONF = Path.of("..", "conf");
    private static final String BENCHMARK_MARK = "-2core";
    /** A second recipe for the same dataset, e.g. {@code train-camvid-fullres.json}. */
    private static final String VARIANT_MARK = "-fullres";
    private static final Map<String, Class<?>> TYPE_BY_PREFIX = Map.of(
            "prep-", PrepConfig.class,
            "train-", TrainConfig.class,
            "eval-", EvalConfig.class,
            "score-", ScoreConfig.class,
            "retrain-", RetrainConfig.class);

    static Stream<Path> jobConfigurations() throws IOException {
        try (Stream<Path> files = Files.list(CONF)) {
            List<Path> jobs = files.filter(f -> typeOf(f) != null).sorted().toList();
            assertFalse(jobs.isEmpty(), "no job configurations in " + CONF.toAbsolutePath());
            return jobs.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("jobConfigurations")
    void bindsToItsConfigRecord(Path file) {
        Class<?> type = typeOf(file);
        Object config = ConfigLoader.load(type, file.toString(), List.of());
        assertNotNull(config);
        assertEquals(type, config.getClass());
    }

    static Stream<Path> modelFiles() throws IOException {
        try (Stream<Path> files = Files.list(CONF.resolve("models"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".conf")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("modelFiles")
    void modelFileBindsToASpec(Path file) {
        // the training configuration supplies the classes
        SegmentationSpec spec = ConfigLoader.load(SegmentationSpec.class, file.toString(), List.of("numClasses=4"));
        assertEquals(4, spec.numClasses());
    }

    @Test
    void everyDeepLabAndDeepLabOptionHasAModelFile() throws IOException {
        List<SegmentationSpec> specs = modelFiles().map(f -> ConfigLoader.load(SegmentationSpec.class, f.toString(), List.of("numClasses=4"))).toList();
        Set<Architecture> covered = specs.stream().map(SegmentationSpec::architecture)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Architecture.class)));
        assertTrue(covered.containsAll(EnumSet.of(Architecture.DEEPLAB_V1, Architecture.DEEPLAB_V2, Architecture.DEEPLAB_V3,
                Architecture.DEEPLAB_V3_PLUS)), covered.toString());
        assertTrue(specs.stream().anyMatch(SegmentationSpec::multiScaleInputs), "multi-scale inputs");
        assertTrue(specs.stream().anyMatch(SegmentationSpec::multiGrid), "Multi-Grid");
        assertTrue(specs.stream().anyMatch(s -> s.backbone() == Backbone.XCEPTION), "Xception-65");
        assertTrue(specs.stream().anyMatch(s -> s.backbone() == Backbone.RESNET && s.separableConvolutions()), "separable on ResNet");
    }

    private static Class<?> typeOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".conf") && !name.endsWith(".json")) {
            return null;
        }
        return TYPE_BY_PREFIX.entrySet().stream().filter(e -> name.startsWith(e.getKey()))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    static Stream<Path> clusterConfigurations() throws IOException {
        return jobConfigurations().filter(f -> !f.getFileName().toString().contains(BENCHMARK_MARK));
    }

    @ParameterizedTest
    @MethodSource("clusterConfigurations")
    void isFitForACluster(Path file) {
        Object config = ConfigLoader.load(typeOf(file), file.toString(), List.of());
        TrainConfig train = config instanceof TrainConfig t ? t : config instanceof RetrainConfig r ? r.train() : null;
        if (train != null) {
            assertEquals(0.0, train.maxMinutes(), file + ": a cluster job has no time cap");
            assertEquals(0, train.master().workers(), file + ": workers come from the cluster (master.workers = 0)");
            assertFalse(train.overwrite(), file + ": never replaces a model unasked");
        }
        if (config instanceof PrepConfig prep) {
            assertFalse(prep.overwrite(), file + ": never replaces a dataset unasked");
        }
    }

    @ParameterizedTest
    @MethodSource("jobConfigurations")
    void readsTheDatasetItsPrepConfigurationWrites(Path file) {
        Object config = ConfigLoader.load(typeOf(file), file.toString(), List.of());
        String dataset = config instanceof TrainConfig t ? t.dataset() : config instanceof RetrainConfig r ? r.dataset()
                : null;
        if (dataset == null) {
            return;
        }
        String name = file.getFileName().toString();
        String data = name.substring(name.indexOf('-') + 1).replaceAll("(" + BENCHMARK_MARK + "|" + VARIANT_MARK
                + ")?\\.(conf|json)$", "");
        Path prep = CONF.resolve("prep-" + data + ".conf");
        assertTrue(Files.isRegularFile(prep), file + " has no matching " + prep);
        assertEquals(ConfigLoader.load(PrepConfig.class, prep.toString(), List.of()).output(), dataset,
                file + " reads the dataset " + prep + " writes");
    }

    @Test
    void theCamVidEvaluationReadsWhatPrepAndTrainingWriteAndTheCrfRunOnlyAddsTheCrf() {
        EvalConfig eval = ConfigLoader.load(EvalConfig.class, CONF.resolve("eval-camvid.conf").toString(), List.of());
        assertEquals(ConfigLoader.load(PrepConfig.class, CONF.resolve("prep-camvid.conf").toString(), List.of()).output(), eval.data());
        assertEquals(ConfigLoader.load(TrainConfig.class, CONF.resolve("train-camvid.json").toString(), List.of()).output(),
                eval.model());
        assertEquals(null, eval.inference(), "applied as the model's training recorded");
        // the command the README and the file give for the CRF run
        EvalConfig crf = ConfigLoader.load(EvalConfig.class, CONF.resolve("eval-camvid.conf").toString(),
                List.of("inference.crf={}", "output=target/reports/camvid-unet16-val-crf"));
        assertEquals(io.segpipe.model.crf.CrfConfig.DEFAULT, crf.inference().crf());
        TrainConfig train = ConfigLoader.load(TrainConfig.class, CONF.resolve("train-camvid.json").toString(), List.of());
        assertEquals(io.segpipe.jobs.infer.InferenceConfig.builder().batchSize(train.valBatchSize()).build(),
                crf.inference().toBuilder().crf(null).build(), "the mode the model was validated with, plus the CRF");
    }

    @Test
    void theFullResolutionCamVidRecipeIsTheSameTrainingOnWholeImagesOfAWiderNetwork() {
        TrainConfig full = ConfigLoader.load(TrainConfig.class, CONF.resolve("train-camvid-fullres.json").toString(), List.of());
        TrainConfig half = ConfigLoader.load(TrainConfig.class, CONF.resolve("train-camvid.json").toString(), List.of());
        assertEquals(1.0, full.inputScale(), "full resolution");
        assertEquals(352, full.model().inputHeight(), "crops of the whole 360x480 frame, rows to a multiple of 16");
        assertEquals(480, full.model().inputWidth());
        assertEquals(2 * half.model().widthMultiplier(), full.model().widthMultiplier(), 1e-12, "32 base filters, not 16");
        assertEquals(3, full.model().deepSupervision().sides().size());
        assertEquals(half.optimizer(), full.optimizer(), "the same optimiser and learning-rate rule");
        assertEquals(half.augment(), full.augment());
        assertTrue(full.epochs() > half.epochs());
        assertEquals(half.dataset(), full.dataset());
    }

    @Test
    void theTwoCoreCamVidSettingIsItsOwnFile() {
        TrainConfig twoCore = ConfigLoader.load(TrainConfig.class, CONF.resolve("train-camvid-2core.json").toString(), List.of());
        assertEquals(60, twoCore.epochs());
        assertEquals(55.0, twoCore.maxMinutes(), "capped to fit the hour on 2 cores, as docs/benchmarks.md measured it");
        assertEquals(2, twoCore.master().workers());
        TrainConfig cluster = ConfigLoader.load(TrainConfig.class, CONF.resolve("train-camvid.json").toString(), List.of());
        assertEquals(twoCore.model(), cluster.model(), "the same network and training, without the 2-core limits");
        assertEquals(twoCore.optimizer(), cluster.optimizer().toBuilder().warmupEpochs(0).build(),
                "the same optimiser; the cluster file warms up to its batch-scaled rate");
        int twoCoreBatch = twoCore.master().workers() * twoCore.master().batchSizePerWorker();
        assertEquals(8, twoCore.optimizer().referenceBatch(), "the rate was tuned on 2 workers x 4");
        for (int epoch = 0; epoch < cluster.epochs(); epoch++) {
            assertEquals(twoCore.optimizer().learningRate(epoch, twoCore.epochs(), twoCoreBatch),
                    cluster.optimizer().learningRate(epoch, cluster.epochs(), twoCoreBatch), 1e-15,
                    "at the 2-core batch both files give the same rate, epoch " + epoch);
        }
        assertEquals(2 * twoCore.optimizer().learningRate(30, 60, 8), cluster.optimizer().learningRate(30, 60, 32), 1e-12,
                "4x the batch (8 workers x 4): Adam's square-root rule doubles the rate");
        assertEquals(twoCore.epochs(), cluster.epochs());
    }
}
