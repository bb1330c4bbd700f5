package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.infer.LogCapture;
import io.segpipe.jobs.model.InferenceDefaults;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.jobs.model.ModelFixtures;
import io.segpipe.jobs.registry.ModelSource;
import io.segpipe.jobs.registry.RegistryFixtures;
import io.segpipe.model.arch.Architectures;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.reader.Normalization;

/**
 * The normalisation and input scale training uses: configured, else the initial model's (its
 * weights were learned with them), else [0, 1] and 1; a differing override is warned about.
 */
class TrainInputsTest {

    private static final Configuration CONF = new Configuration();

    @TempDir
    static Path shared;
    static String initial;

    @BeforeAll
    static void writeInitialModel() throws IOException {
        Nd4jBackend.init();
        SegmentationSpec spec = TrainConfigTest.spec();
        ModelDirectory.Info base = ModelFixtures.info(spec, ModelFixtures.classes(4));
        initial = shared.resolve("initial").toString();
        ModelDirectory.write(initial, CONF, Architectures.create(spec), new ModelDirectory.Info(base.spec(),
                base.trainConfigJson(), base.dataManifestJson(), base.metrics(), base.provenance(),
                new InferenceDefaults(Normalization.IMAGENET, 0.5, InferenceConfig.DEFAULT)), false);
    }

    @Test
    void withoutAnInitialModelUnsetSettingsAreTheDefaults() throws IOException {
        TrainConfig unset = TrainConfigTest.valid().build();
        assertNull(unset.normalization());
        assertNull(unset.inputScale());
        assertEquals(unset, TrainConfig.fromJson(unset.toJson()), "unset survives the JSON round trip");
        TrainConfig resolved = TrainJob.resolveInputs(unset, CONF);
        assertEquals(Normalization.UNIT, resolved.normalization());
        assertEquals(1.0, resolved.inputScale());
        TrainConfig configured = TrainJob.resolveInputs(TrainConfigTest.valid().inputScale(0.25).build(), CONF);
        assertEquals(0.25, configured.inputScale());
    }

    @Test
    void aWarmStartTrainsWithTheInitialModelsSettingsUnlessConfigured() throws IOException {
        TrainConfig inherited;
        try (LogCapture log = LogCapture.of(TrainJob.class)) {
            inherited = TrainJob.resolveInputs(TrainConfigTest.valid().initialModel(initial).build(), CONF);
            assertEquals(List.of(), log.warnings());
        }
        assertEquals(Normalization.IMAGENET, inherited.normalization());
        assertEquals(0.5, inherited.inputScale());

        try (LogCapture log = LogCapture.of(TrainJob.class)) {
            TrainConfig overridden = TrainJob.resolveInputs(TrainConfigTest.valid().initialModel(initial).inputScale(1.0)
                    .build(), CONF);
            assertEquals(1.0, overridden.inputScale());
            assertEquals(Normalization.IMAGENET, overridden.normalization());
            assertEquals(1, log.warnings().size(), log.lines().toString());
            assertTrue(log.warnings().get(0).startsWith("inputScale 1.0 differs from 0.5, the scale model " + initial
                    + " was trained at"), log.warnings().get(0));
        }
    }

    @Test
    void aRegistryInitialModelResolvesToItsVersionDirectory() throws IOException {
        Path root = shared.resolve("registry");
        var registry = RegistryFixtures.registry(root, Path.of(initial), 2, 1);
        TrainConfig resolved = TrainJob.resolveInputs(TrainConfigTest.valid()
                .initialModel(ModelSource.PREFIX + root + "@v2").build(), CONF);
        assertEquals(registry.versionPath(2), resolved.initialModel());
        assertEquals(0.5, resolved.inputScale());
    }

    @Test
    void aNormalizationForAnotherChannelCountIsRefusedByTheConfiguration() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainConfigTest.valid()
                .normalization(new Normalization(1.0 / 255, List.of(0.1, 0.2), List.of(1.0))).build());
        assertEquals("normalization has 2 mean and 1 std values but model.inputChannels is 3; give one value (for "
                + "every channel) or one per channel", e.getMessage());
    }
}
