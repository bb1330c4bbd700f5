package io.segpipe.jobs.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.eval.ScaledModelFixture;
import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.registry.ModelRegistry;
import io.segpipe.jobs.registry.ModelSource;
import io.segpipe.jobs.registry.RegistryFixtures;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.codec.LabelRaster;
import io.segpipe.prep.testkit.LocalSpark;

/**
 * Scoring applies a model as its training recorded unless configured otherwise, at the images'
 * size, and records which registry version it scored with.
 */
@ExtendWith(LocalSpark.class)
class ScoreModelSettingsTest {

    @TempDir
    static Path shared;
    static SparkSession spark;
    static String data;
    static String model;
    static ModelRegistry registry;

    @BeforeAll
    static void setUp() throws IOException {
        spark = LocalSpark.session();
        data = ScaledModelFixture.dataset();
        model = ScaledModelFixture.model();
        registry = RegistryFixtures.registry(shared.resolve("registry"), Path.of(URI.create(model)), 2, 1);
    }

    private static ScoreConfig.Builder config(String model, Path out) {
        return ScoreConfig.builder().model(model).data(data).split("val").output(out.toString());
    }

    private static List<Row> rows(Path out) {
        return spark.read().parquet(out.toString()).orderBy(ScoreSchema.ID).collectAsList();
    }

    @Test
    void unsetSettingsScoreAsTheExplicitTrainingSettingsAtTheImagesSize(@TempDir Path tmp) throws Exception {
        ScoreResult byDefault = ScoreJob.run(config(model, tmp.resolve("default")).build(), spark);
        ScoreResult explicit = ScoreJob.run(config(model, tmp.resolve("explicit"))
                .normalization(ScaledModelFixture.NORMALIZATION).inputScale(ScaledModelFixture.INPUT_SCALE)
                .inference(InferenceConfig.builder().batchSize(ScaledModelFixture.VAL_BATCH_SIZE).build()).build(), spark);
        assertEquals(explicit.scored(), byDefault.scored());
        assertEquals(ScaledModelFixture.VAL_BATCH_SIZE, byDefault.inference().batchSize());
        List<Row> a = rows(tmp.resolve("default"));
        List<Row> b = rows(tmp.resolve("explicit"));
        assertEquals(b.size(), a.size());
        for (int i = 0; i < a.size(); i++) {
            byte[] pa = (byte[]) a.get(i).get(a.get(i).fieldIndex(ScoreSchema.PREDICTION));
            byte[] pb = (byte[]) b.get(i).get(b.get(i).fieldIndex(ScoreSchema.PREDICTION));
            LabelRaster predicted = ImageCodec.decodeLabel(pa);
            assertArrayEquals(ImageCodec.decodeLabel(pb).data(), predicted.data(), a.get(i).getString(0));
            assertEquals(ScaledModelFixture.SIZE, predicted.width(), "resized back to the image's size");
            assertEquals(ScaledModelFixture.SIZE, predicted.height());
        }
    }

    @Test
    void theMetadataRecordsTheRegistryVersion(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("scores");
        ScoreJob.run(config(ModelSource.PREFIX + shared.resolve("registry"), out).build(), spark);
        FileSystem fs = FileSystem.getLocal(new Configuration());
        ScoreMetadata meta = ScoreMetadata.read(fs, new org.apache.hadoop.fs.Path(out.toUri()));
        assertEquals(registry.root(), meta.registry());
        assertEquals(1, meta.registryVersion());
        assertEquals(registry.versionPath(1), meta.model());

        Path direct = tmp.resolve("direct");
        ScoreJob.run(config(model, direct).build(), spark);
        ScoreMetadata plain = ScoreMetadata.read(fs, new org.apache.hadoop.fs.Path(direct.toUri()));
        assertNull(plain.registry());
        assertNull(plain.registryVersion());
    }

    @Test
    void aVersionThatDoesNotExistFailsBeforeAnythingIsWritten(@TempDir Path tmp) {
        Path out = tmp.resolve("scores");
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> ScoreJob.run(
                config(ModelSource.PREFIX + shared.resolve("registry") + "@v5", out).build(), spark));
        assertEquals("registry " + registry.root() + " has no version v000005; it has v000001, v000002 (production "
                + "v000001)", e.getMessage());
        assertFalse(out.toFile().exists());
    }
}
