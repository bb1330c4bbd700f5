package io.segpipe.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.infer.InputSettings;
import io.segpipe.jobs.infer.JobModel;
import io.segpipe.jobs.infer.LogCapture;
import io.segpipe.jobs.model.InferenceDefaults;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.prep.Json;
import io.segpipe.prep.reader.Normalization;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.testkit.LocalSpark;

/**
 * A model trained at input scale 0.5 with ImageNet normalisation is evaluated as it was trained
 * when the configuration leaves the settings unset: the same metrics as with the settings spelt
 * out, measured at the labels' full resolution; a contradicting override changes the metrics and
 * is warned about; a directory without recorded settings keeps the earlier defaults and says so.
 */
@ExtendWith(LocalSpark.class)
class EvalModelSettingsTest {

    static SparkSession spark;
    static String data;
    static String model;

    @BeforeAll
    static void setUp() {
        spark = LocalSpark.session();
        data = ScaledModelFixture.dataset();
        model = ScaledModelFixture.model();
    }

    private static EvalConfig.Builder config(Path out) {
        return EvalConfig.builder().model(model).data(data).split("val").output(out.toString()).examples(0);
    }

    @Test
    void trainingRecordsHowItPreparedTheInput() throws IOException {
        InferenceDefaults recorded = ModelDirectory.readInfo(model, new Configuration()).recordedInference()
                .orElseThrow();
        assertEquals(new InferenceDefaults(ScaledModelFixture.NORMALIZATION, ScaledModelFixture.INPUT_SCALE,
                InferenceConfig.builder().batchSize(ScaledModelFixture.VAL_BATCH_SIZE).build()), recorded);
    }

    @Test
    void unsetSettingsGiveTheMetricsOfTheExplicitTrainingSettings(@TempDir Path tmp) throws IOException {
        EvalResult byDefault = EvalJob.run(config(tmp.resolve("default")).build(), spark);
        EvalResult explicit = EvalJob.run(config(tmp.resolve("explicit")).normalization(ScaledModelFixture.NORMALIZATION)
                .inputScale(ScaledModelFixture.INPUT_SCALE)
                .inference(InferenceConfig.builder().batchSize(ScaledModelFixture.VAL_BATCH_SIZE).build()).build(), spark);
        assertEquals(explicit.confusionMatrix(), byDefault.confusionMatrix());
        assertEquals(explicit.metrics(), byDefault.metrics());

        assertEquals(ScaledModelFixture.INPUT_SCALE, byDefault.inputScale());
        assertEquals(ScaledModelFixture.NORMALIZATION, byDefault.normalization());
        assertEquals(ScaledModelFixture.VAL_BATCH_SIZE, byDefault.inference().batchSize());
        assertEquals(Map.of(InputSettings.NORMALIZATION, InputSettings.Source.MODEL, InputSettings.INPUT_SCALE,
                InputSettings.Source.MODEL, InputSettings.INFERENCE, InputSettings.Source.MODEL),
                byDefault.settingSources());
        assertEquals(InputSettings.Source.CONFIGURATION, explicit.settingSources().get(InputSettings.INPUT_SCALE));

        // Predictions were resized back: every labelled pixel of the full-size labels is counted.
        PreppedDataset ds = PreppedDataset.open(spark, data);
        long valImages = ds.manifest().splits().get("val").samples();
        long ignored = ds.manifest().splits().get("val").ignorePixels();
        assertEquals(valImages * ScaledModelFixture.SIZE * ScaledModelFixture.SIZE - ignored,
                byDefault.confusionMatrix().total());

        String json = Files.readString(tmp.resolve("default").resolve(EvalReport.JSON));
        assertTrue(json.contains("\"inputScale\" : 0.5"), json);
        assertEquals(byDefault, Json.read(json, EvalResult.class));
    }

    @Test
    void aContradictingOverrideChangesTheMetricsAndIsWarnedAbout(@TempDir Path tmp) throws IOException {
        EvalResult byDefault = EvalJob.run(config(tmp.resolve("default")).build(), spark);
        EvalResult overridden;
        List<String> warnings;
        try (LogCapture log = LogCapture.of(JobModel.class)) {
            overridden = EvalJob.run(config(tmp.resolve("full-size")).inputScale(1.0).normalization(Normalization.UNIT)
                    .build(), spark);
            warnings = log.warnings();
        }
        assertNotEquals(byDefault.confusionMatrix(), overridden.confusionMatrix());
        assertEquals(1.0, overridden.inputScale());
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("normalization {scale 0.00392157, mean [0.0], std [1.0]} differs from"),
                warnings.get(0));
        assertTrue(warnings.get(1).startsWith("inputScale 1.0 differs from 0.5, the scale model " + byDefault.model()
                + " was trained at"), warnings.get(1));
    }

    @Test
    void aModelDirectoryWithoutRecordedSettingsKeepsTheEarlierDefaultsAndSaysSo(@TempDir Path tmp) throws IOException {
        Path legacy = tmp.resolve("legacy");
        copy(Path.of(java.net.URI.create(model)), legacy);
        Files.delete(legacy.resolve(ModelDirectory.INFERENCE));
        Files.deleteIfExists(legacy.resolve("." + ModelDirectory.INFERENCE + ".crc"));
        assertEquals(Optional.empty(), ModelDirectory.readInfo(legacy.toString(), new Configuration()).recordedInference());

        EvalResult unset;
        List<String> warnings;
        try (LogCapture log = LogCapture.of(JobModel.class)) {
            unset = EvalJob.run(config(tmp.resolve("unset")).model(legacy.toString()).build(), spark);
            warnings = log.warnings();
        }
        EvalResult earlierDefaults = EvalJob.run(config(tmp.resolve("earlier")).model(legacy.toString())
                .normalization(Normalization.UNIT).inputScale(1.0).inference(InferenceConfig.DEFAULT).build(), spark);
        assertEquals(earlierDefaults.confusionMatrix(), unset.confusionMatrix());
        assertEquals(1.0, unset.inputScale());
        assertEquals(InputSettings.Source.DEFAULT, unset.settingSources().get(InputSettings.INPUT_SCALE));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("records no inference.json (written by an earlier segpipe)"),
                warnings.get(0));
    }

    @Test
    void aNormalizationForAnotherChannelCountIsRefusedBeforeAnythingIsWritten(@TempDir Path tmp) {
        Path out = tmp.resolve("o");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> EvalJob.run(config(out).normalization(new Normalization(1.0 / 255, List.of(0.1, 0.2),
                        List.of(1.0))).build(), spark));
        assertTrue(e.getMessage().startsWith("normalization has 2 mean and 1 std values but model "), e.getMessage());
        assertTrue(e.getMessage().endsWith("takes 3-channel images; set 1 or 3 mean and std values, or leave "
                + "normalization unset to use the model's"), e.getMessage());
        assertTrue(Files.notExists(out));
    }

    static void copy(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
