package io.segpipe.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.cli.RegistryCommandTest.Run;
import io.segpipe.jobs.eval.EvalConfig;
import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.model.InferenceDefaults;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.jobs.model.ModelFixtures;
import io.segpipe.jobs.registry.ModelSource;
import io.segpipe.jobs.registry.RegistryFixtures;
import io.segpipe.jobs.retrain.RetrainConfig;
import io.segpipe.jobs.score.ScoreConfig;
import io.segpipe.jobs.train.TrainConfig;
import io.segpipe.model.arch.Architectures;
import io.segpipe.model.arch.TinySpecs;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.reader.Normalization;

/**
 * {@code --print-config} prints the configuration a job runs with: settings taken from the model
 * filled in on standard output, and where each came from on standard error; a setting that cannot
 * work with the model stops it in one line.
 */
class PrintConfigTest {

    @TempDir
    static Path shared;
    static String model;
    static final InferenceDefaults RECORDED = new InferenceDefaults(Normalization.IMAGENET, 0.5,
            InferenceConfig.builder().batchSize(2).build());

    @BeforeAll
    static void writeModel() throws IOException {
        Nd4jBackend.init();
        SegmentationSpec spec = TinySpecs.of(Architecture.UNET, 4);
        ModelDirectory.Info base = ModelFixtures.info(spec, ModelFixtures.classes(4));
        model = shared.resolve("model").toString();
        ModelDirectory.write(model, new Configuration(), Architectures.create(spec), new ModelDirectory.Info(
                base.spec(), base.trainConfigJson(), base.dataManifestJson(), base.metrics(), base.provenance(),
                RECORDED), false);
    }

    private static Run printConfig(String command, String... sets) {
        String[] args = new String[sets.length * 2 + 2];
        args[0] = command;
        for (int i = 0; i < sets.length; i++) {
            args[1 + 2 * i] = "--set";
            args[2 + 2 * i] = sets[i];
        }
        args[args.length - 1] = "--print-config";
        Run run = RegistryCommandTest.run(args);
        return run;
    }

    private static List<String> notes(Run run) {
        return run.err().lines().toList();
    }

    @Test
    void evalFillsInTheModelsSettingsAndSaysWhereEachCameFrom() {
        Run run = printConfig("eval", "model=\"" + model + "\"", "data=d", "output=o");
        assertEquals(0, run.exitCode(), run.err());
        EvalConfig printed = EvalConfig.fromJson(run.out());
        assertEquals(Normalization.IMAGENET, printed.normalization());
        assertEquals(0.5, printed.inputScale());
        assertEquals(RECORDED.inference(), printed.inference());
        String qualified = "file:" + model;
        assertEquals(List.of(
                "# normalization = {scale 0.00392157, mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225]}: recorded "
                        + "by the training of model " + qualified,
                "# inputScale = 0.5: recorded by the training of model " + qualified,
                "# inference = whole image, batch 2: recorded by the training of model " + qualified), notes(run));
    }

    @Test
    void aConfiguredValueIsNotedAsSuchAndWarnedAboutWhenItDiffers() {
        Run run = printConfig("eval", "model=\"" + model + "\"", "data=d", "output=o", "inputScale=1.0");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(1.0, EvalConfig.fromJson(run.out()).inputScale());
        assertTrue(notes(run).contains("# inputScale = 1.0: set in the configuration"), run.err());
        assertTrue(notes(run).stream().anyMatch(n -> n.startsWith("# warning: inputScale 1.0 differs from 0.5")),
                run.err());
    }

    @Test
    void aModelThatCannotBeReadHereLeavesTheSettingsUnsetAndSaysSo() {
        Path missing = shared.resolve("missing");
        Run run = printConfig("score", "model=\"" + missing + "\"", "data=d", "output=o");
        assertEquals(0, run.exitCode(), run.err());
        ScoreConfig printed = ScoreConfig.fromJson(run.out());
        assertNull(printed.inputScale());
        assertNull(printed.normalization());
        assertTrue(run.err().startsWith("# normalization, inputScale, inference: unset ones come from model " + missing
                + " when the job runs; it cannot be read here: no model directory at "), run.err());
    }

    @Test
    void aNormalizationForAnotherChannelCountStopsInOneLineNamingTheKeyAndTheFix() {
        Run run = printConfig("eval", "model=\"" + model + "\"", "data=d", "output=o", "normalization.scale=1",
                "normalization.mean=[1, 2]", "normalization.std=[1]");
        assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.out());
        assertEquals("segpipe: normalization has 2 mean and 1 std values but model file:" + model + " takes 3-channel "
                + "images; set 1 or 3 mean and std values, or leave normalization unset to use the model's",
                run.err().strip());
    }

    @Test
    void aRegistryModelIsNamedWithItsVersion() throws IOException {
        Path root = shared.resolve("registry");
        RegistryFixtures.registry(root, Path.of(model), 1, 1);
        Run run = printConfig("score", "model=\"" + ModelSource.PREFIX + root + "\"", "data=d", "output=o");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(0.5, ScoreConfig.fromJson(run.out()).inputScale());
        assertTrue(run.err().startsWith("# registry:" + root + " is registry file:" + root + " version v000001 (file:"
                + root + "/versions/v000001)\n"), run.err());
    }

    @Test
    void trainingTakesAnInitialModelsSettingsOrTheDefaults() throws IOException {
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.UNET, 4).depth(2).inputSize(32, 32).build();
        Path conf = shared.resolve("train.conf");
        Files.writeString(conf, "dataset = d\noutput = o\nmodel = " + spec.toJson() + "\n");
        Run fresh = RegistryCommandTest.run("train", "--conf", conf.toString(), "--print-config");
        assertEquals(0, fresh.exitCode(), fresh.err());
        TrainConfig defaults = TrainConfig.fromJson(fresh.out());
        assertEquals(Normalization.UNIT, defaults.normalization());
        assertEquals(1.0, defaults.inputScale());
        assertEquals(List.of("# normalization = {scale 0.00392157, mean [0.0], std [1.0]}: default, [0, 1] scaling "
                + "(no initialModel)", "# inputScale = 1.0: default (no initialModel)"), notes(fresh));

        Run warm = RegistryCommandTest.run("train", "--conf", conf.toString(), "--set", "initialModel=\"" + model + "\"",
                "--print-config");
        assertEquals(0, warm.exitCode(), warm.err());
        TrainConfig inherited = TrainConfig.fromJson(warm.out());
        assertEquals(Normalization.IMAGENET, inherited.normalization());
        assertEquals(0.5, inherited.inputScale());
        assertEquals(model, inherited.initialModel(), "the reference stays as written");
        assertEquals(2, notes(warm).size(), warm.err());
        assertEquals("# inputScale = 0.5: recorded by the training of model file:" + model, notes(warm).get(1));
    }

    @Test
    void retrainingNotesThatEachModelIsEvaluatedWithItsOwnSettings() throws IOException {
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.UNET, 4).depth(2).inputSize(32, 32).build();
        Path root = shared.resolve("retrain-registry");
        RegistryFixtures.registry(root, Path.of(model), 1, 1);
        Path conf = shared.resolve("retrain.conf");
        Files.writeString(conf, "registry = \"" + root + "\"\ndataset = d\nwarmStart = true\ntrain { dataset = d, "
                + "output = o, model = " + spec.toJson() + " }\n");
        Run run = RegistryCommandTest.run("retrain", "--conf", conf.toString(), "--print-config");
        assertEquals(0, run.exitCode(), run.err());
        RetrainConfig printed = RetrainConfig.fromJson(run.out());
        assertNull(printed.inference(), "each model's own");
        assertEquals(0.5, printed.train().inputScale(), "the production model's, which the challenger starts from");
        assertEquals("# evaluation: each model is applied with the normalization and inputScale its training recorded, "
                + "and the inference it was validated with", notes(run).get(0));
        assertTrue(notes(run).contains("# inputScale = 0.5: recorded by the training of model file:" + root
                + "/versions/v000001"), run.err());
    }
}
