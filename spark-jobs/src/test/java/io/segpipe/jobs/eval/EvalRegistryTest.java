package io.segpipe.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.registry.ModelRegistry;
import io.segpipe.jobs.registry.ModelSource;
import io.segpipe.jobs.registry.RegistryFixtures;
import io.segpipe.prep.Json;
import io.segpipe.prep.testkit.LocalSpark;

/**
 * Evaluation of a registry's model named as {@code registry:<root>} (production) or
 * {@code registry:<root>@vN}: the report records the registry and version; a reference that does
 * not resolve fails with one message and writes nothing.
 */
@ExtendWith(LocalSpark.class)
class EvalRegistryTest {

    @TempDir
    static Path shared;
    static SparkSession spark;
    static String data;
    static ModelRegistry registry;
    static String ref;

    @BeforeAll
    static void setUp() throws IOException {
        spark = LocalSpark.session();
        data = ScaledModelFixture.dataset();
        Path model = Path.of(URI.create(ScaledModelFixture.model()));
        registry = RegistryFixtures.registry(shared.resolve("registry"), model, 2, 2);
        ref = ModelSource.PREFIX + shared.resolve("registry");
    }

    private static EvalConfig.Builder config(String model, Path out) {
        return EvalConfig.builder().model(model).data(data).split("val").output(out.toString()).examples(0);
    }

    @Test
    void theProductionModelOrAVersionIsEvaluatedAndRecorded(@TempDir Path tmp) throws IOException {
        EvalResult production = EvalJob.run(config(ref, tmp.resolve("production")).build(), spark);
        assertEquals(registry.root(), production.registry());
        assertEquals(2, production.registryVersion());
        assertEquals(registry.versionPath(2), production.model());
        assertEquals(ScaledModelFixture.INPUT_SCALE, production.inputScale(), "the version's recorded settings apply");
        String json = Files.readString(tmp.resolve("production").resolve(EvalReport.JSON));
        assertTrue(json.contains("\"registryVersion\" : 2"), json);
        assertEquals(production, Json.read(json, EvalResult.class));
        assertTrue(Files.readString(tmp.resolve("production").resolve(EvalReport.HTML)).contains("version v000002"));

        EvalResult v1 = EvalJob.run(config(ref + "@v1", tmp.resolve("v1")).build(), spark);
        assertEquals(1, v1.registryVersion());
        assertEquals(production.confusionMatrix(), v1.confusionMatrix(), "both versions hold the same model");

        EvalResult direct = EvalJob.run(config(ScaledModelFixture.model(), tmp.resolve("direct")).build(), spark);
        assertNull(direct.registry());
        assertNull(direct.registryVersion());
    }

    @Test
    void aReferenceThatDoesNotResolveFailsBeforeAnythingIsWritten(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("o");
        FileNotFoundException noVersion = assertThrows(FileNotFoundException.class,
                () -> EvalJob.run(config(ref + "@v7", out).build(), spark));
        assertEquals("registry " + registry.root() + " has no version v000007; it has v000001, v000002 (production "
                + "v000002)", noVersion.getMessage());

        Path bare = tmp.resolve("bare");
        RegistryFixtures.registry(bare, null, 1, 0);
        FileNotFoundException noProduction = assertThrows(FileNotFoundException.class,
                () -> EvalJob.run(config(ModelSource.PREFIX + bare, out).build(), spark));
        assertTrue(noProduction.getMessage().contains("has no production model yet; it has v000001"),
                noProduction.getMessage());

        FileNotFoundException noRegistry = assertThrows(FileNotFoundException.class,
                () -> EvalJob.run(config(ModelSource.PREFIX + tmp.resolve("none"), out).build(), spark));
        assertTrue(noRegistry.getMessage().startsWith("no model registry at "), noRegistry.getMessage());
        assertFalse(Files.exists(out), "nothing written");
        assertFalse(Files.exists(tmp.resolve("none")), "nothing created");
    }
}
