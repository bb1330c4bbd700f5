package io.segpipe.jobs.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.eval.EvalReport;
import io.segpipe.jobs.eval.EvalResult;
import io.segpipe.jobs.eval.ScaledModelFixture;
import io.segpipe.jobs.infer.InputSettings;
import io.segpipe.jobs.model.InferenceDefaults;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.jobs.registry.ModelRegistry;
import io.segpipe.jobs.registry.RegistryFixtures;
import io.segpipe.prep.Json;
import io.segpipe.prep.testkit.LocalSpark;

/**
 * Retraining against a production model trained at input scale 0.5 with ImageNet normalisation:
 * the champion is evaluated as it was trained, and a warm-started challenger whose training
 * configuration leaves the settings unset trains (and records) the champion's.
 */
@ExtendWith(LocalSpark.class)
class RetrainModelSettingsTest {

    @TempDir
    Path tmp;

    @Test
    void theChampionIsEvaluatedAsTrainedAndAWarmStartInheritsItsSettings() throws Exception {
        Path root = tmp.resolve("registry");
        RegistryFixtures.registry(root, Path.of(URI.create(ScaledModelFixture.model())), 1, 1);
        RetrainConfig config = RetrainConfig.builder().registry(root.toString()).dataset(ScaledModelFixture.dataset())
                .train(RetrainFixtures.train().toBuilder() // the champion's crop: its images at its input scale
                        .model(RetrainFixtures.spec().toBuilder().inputSize(ScaledModelFixture.SIZE / 2,
                                ScaledModelFixture.SIZE / 2).build()).build())
                .warmStart(true).margin(1.0).runId("warm").build();
        assertNull(config.train().normalization(), "the training configuration leaves them unset");
        assertNull(config.train().inputScale());

        RetrainResult result = RetrainJob.run(config, LocalSpark.session());
        assertEquals(1, result.record().warmStartFrom());

        ModelRegistry registry = ModelRegistry.open(root.toString(), new Configuration());
        InferenceDefaults challenger = ModelDirectory.readInfo(registry.versionPath(result.challengerVersion()),
                new Configuration()).recordedInference().orElseThrow();
        assertEquals(ScaledModelFixture.NORMALIZATION, challenger.normalization());
        assertEquals(ScaledModelFixture.INPUT_SCALE, challenger.inputScale());

        Path reports = Path.of(URI.create(registry.reportsDir("warm").toString()));
        for (String model : new String[] {"champion", "challenger"}) {
            EvalResult report = Json.read(java.nio.file.Files.readString(reports.resolve(model).resolve(EvalReport.JSON)),
                    EvalResult.class);
            assertEquals(ScaledModelFixture.INPUT_SCALE, report.inputScale(), model);
            assertEquals(ScaledModelFixture.NORMALIZATION, report.normalization(), model);
            assertEquals(Map.of(InputSettings.NORMALIZATION, InputSettings.Source.MODEL, InputSettings.INPUT_SCALE,
                    InputSettings.Source.MODEL, InputSettings.INFERENCE, InputSettings.Source.MODEL),
                    report.settingSources(), model);
        }
    }
}
