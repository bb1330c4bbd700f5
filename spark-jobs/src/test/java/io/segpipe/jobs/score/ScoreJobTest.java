package io.segpipe.jobs.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.segpipe.jobs.eval.EvalFixtures;
import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.infer.LoadedModel;
import io.segpipe.jobs.infer.Tensors;
import io.segpipe.model.predict.Segmenter;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.codec.LabelRaster;
import io.segpipe.prep.codec.RasterImage;
import io.segpipe.prep.fs.CompletionMarker;
import io.segpipe.prep.reader.Normalization;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.PngChunks;
import io.segpipe.prep.testkit.TinyDatasets;

@ExtendWith(LocalSpark.class)
class ScoreJobTest {

    @TempDir
    static Path shared;
    static String data;
    static String model;
    static SparkSession spark;

    @BeforeAll
    static void setUp() {
        spark = LocalSpark.session();
        data = EvalFixtures.syntheticDataset(spark, shared.resolve("data"), 10, 36);
        model = EvalFixtures.tinyModel(shared.resolve("model"), EvalFixtures.tinySpec(4, 3));
    }

    private static Dataset<Row> read(Path out) {
        Dataset<Row> rows = spark.read().parquet(out.toString());
        ScoreSchema.require(rows.schema());
        return rows;
    }

    @Test
    void scoresAPreparedDatasetToParquetAndIndexedMasks(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("scores");
        Path masks = tmp.resolve("masks");
        ScoreResult r = ScoreJob.run(ScoreConfig.builder().model(model).data(data).split("val").output(out.toString())
                .masks(masks.toString()).inference(InferenceConfig.builder().batchSize(3).build()).build(), spark);
        assertEquals(10, r.inputImages());
        assertEquals(10, r.scored());
        assertEquals(0, r.skipped());
        assertEquals(0, r.badImages());
        List<Row> rows = read(out).orderBy(ScoreSchema.ID).collectAsList();
        assertEquals(10, rows.size());
        Segmenter reference = LoadedModel.read(model, new Configuration()).segmenter();
        ClassTable classes = SyntheticDatasetGenerator.classTable();
        for (Row row : rows) {
            String id = row.getString(row.fieldIndex(ScoreSchema.ID));
            assertEquals(36, row.getInt(row.fieldIndex(ScoreSchema.HEIGHT)));
            LabelRaster predicted = ImageCodec.decodeLabel((byte[]) row.get(row.fieldIndex(ScoreSchema.PREDICTION)));
            assertEquals(LabelRaster.Kind.GREY, predicted.kind());
            List<Double> fractions = row.getList(row.fieldIndex(ScoreSchema.CLASS_FRACTIONS));
            assertEquals(4, fractions.size());
            long[] counts = new long[4];
            for (byte b : predicted.data()) {
                counts[b & 0xFF]++;
            }
            for (int k = 0; k < 4; k++) {
                assertEquals(counts[k] / (36.0 * 36), fractions.get(k), 1e-12, id + " class " + k);
            }
            double confidence = row.getDouble(row.fieldIndex(ScoreSchema.CONFIDENCE));
            assertTrue(confidence >= 0.25 - 1e-6 && confidence <= 1 + 1e-6, "confidence " + confidence);

            // the same image through the Segmenter directly gives the same label map and confidence
            RasterImage image = ImageCodec.decodeImage(Files.readAllBytes(shared.resolve("data/raw/images/" + id + ".png")));
            INDArray x = Tensors.batch(List.of(Normalization.UNIT.planar(image)), 3, 36, 36);
            INDArray p = reference.probabilities(x);
            int[] expected = Segmenter.argMax(p).dup('c').data().asInt();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], predicted.data()[i] & 0xFF, id + " pixel " + i);
            }
            assertEquals(p.max(1).meanNumber().doubleValue(), confidence, 1e-5, id);

            String maskFile = row.getString(row.fieldIndex(ScoreSchema.MASK_FILE));
            assertEquals(MaskNames.of(id), maskFile);
            // the mask: an indexed PNG whose pixels are the predicted ids and whose palette the class colours
            byte[] maskPng = Files.readAllBytes(masks.resolve(maskFile));
            LabelRaster mask = ImageCodec.decodeLabel(maskPng);
            assertEquals(LabelRaster.Kind.PALETTE, mask.kind());
            assertArrayEquals(predicted.data(), mask.data(), id);
            int[] palette = PngChunks.of(maskPng).palette();
            for (int k = 0; k < classes.numClasses(); k++) {
                assertEquals(classes.classes().get(k).colour().packed(), palette[k], id + " palette entry " + k);
            }
            RasterImage shown = ImageCodec.decodeImage(maskPng);
            for (int i = 0; i < 36 * 36; i += 97) {
                int colour = classes.classes().get(predicted.data()[i] & 0xFF).colour().packed();
                assertEquals(colour, (shown.sample(i % 36, i / 36, 0) << 16) | (shown.sample(i % 36, i / 36, 1) << 8)
                        | shown.sample(i % 36, i / 36, 2));
            }
        }
        try (var files = Files.list(out)) {
            List<String> names = files.map(f -> f.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList();
            assertTrue(names.contains(ScoreMetadata.FILE_NAME));
            assertTrue(names.contains(CompletionMarker.FILE_NAME));
            assertTrue(names.stream().allMatch(n -> n.equals(ScoreMetadata.FILE_NAME)
                    || n.equals(CompletionMarker.FILE_NAME) || n.matches("part-.*\\.parquet")), names.toString());
            assertEquals(r.filesWritten(), names.size() - 2);
        }
        try (var files = Files.list(masks)) {
            List<String> names = files.map(f -> f.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList();
            List<String> expected = new java.util.ArrayList<>(rows.stream()
                    .map(row -> MaskNames.of(row.getString(row.fieldIndex(ScoreSchema.ID)))).toList());
            expected.add(CompletionMarker.FILE_NAME);
            java.util.Collections.sort(expected);
            assertEquals(expected, names, "one mask per image and the marker, nothing else");
        }
        assertEquals(r.runId(), CompletionMarker.require(FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(out.toUri()), "scores").runId());
    }

    /** A folder with a nested folder, a corrupt PNG, a grey image and a non-image file. */
    private static Path folder(Path dir, int good) {
        for (int i = 0; i < good; i++) {
            TinyDatasets.write(dir.resolve((i % 2 == 0 ? "" : "sub/") + "img" + i + ".png"), TinyDatasets.noisyRgbPng(20, 28, i));
        }
        return dir;
    }

    @Test
    void scoresAFolderListingCorruptAndWrongChannelImagesAndGoesOn(@TempDir Path tmp) throws Exception {
        Path in = folder(tmp.resolve("in"), 5);
        TinyDatasets.write(in.resolve("sub/broken.png"), TinyDatasets.truncate(TinyDatasets.noisyRgbPng(20, 28, 99), 0.5));
        TinyDatasets.write(in.resolve("grey.png"), TinyDatasets.constantGreyPng(20, 28, 7));
        TinyDatasets.write(in.resolve("notes.txt"), "not an image".getBytes());
        TinyDatasets.write(in.resolve("photo.jpg"), TinyDatasets.jpeg(24, 16));
        Path out = tmp.resolve("scores");
        ScoreResult r = ScoreJob.run(ScoreConfig.builder().model(model).images(in.toString()).output(out.toString())
                .masks(tmp.resolve("masks").toString()).build(), spark);
        assertEquals(8, r.inputImages());
        assertEquals(6, r.scored());
        assertEquals(2, r.badImages());
        assertEquals("grey.png", r.bad().get(0).id());
        assertEquals("image has 1 channel(s) but the model expects 3", r.bad().get(0).reason());
        assertEquals("sub/broken.png", r.bad().get(1).id());
        assertTrue(r.bad().get(1).reason().startsWith("corrupt PNG"), r.bad().get(1).reason());
        Set<String> ids = read(out).select(ScoreSchema.ID).as(org.apache.spark.sql.Encoders.STRING()).collectAsList()
                .stream().collect(Collectors.toSet());
        assertEquals(Set.of("img0.png", "sub/img1.png", "img2.png", "sub/img3.png", "img4.png", "photo.jpg"), ids);
        assertTrue(Files.exists(tmp.resolve("masks").resolve(MaskNames.of("sub/img3.png"))));
        assertTrue(Files.exists(tmp.resolve("masks").resolve(MaskNames.of("photo.jpg"))));
        // a glob over the same folder: ids relative to its fixed prefix
        ScoreResult glob = ScoreJob.run(ScoreConfig.builder().model(model).images(in + "/sub/img*.png")
                .output(tmp.resolve("glob").toString()).build(), spark);
        assertEquals(2, glob.scored());
        assertEquals(Set.of("img1.png", "img3.png"), new HashSet<>(read(tmp.resolve("glob")).select(ScoreSchema.ID)
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()));
    }

    @Test
    void resumeSkipsIdsAlreadyScoredAndRescoresAnUnfinishedPartition(@TempDir Path tmp) throws Exception {
        Path in = folder(tmp.resolve("in"), 6);
        Path out = tmp.resolve("scores");
        ScoreConfig first = ScoreConfig.builder().model(model).images(in.toString()).output(out.toString()).partitions(3)
                .build();
        ScoreResult r1 = ScoreJob.run(first, spark);
        assertEquals(6, r1.scored());
        assertEquals(3, r1.filesWritten());
        // an interrupted run: one partition's file never got published
        Path lost;
        try (var files = Files.list(out)) {
            lost = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).sorted().findFirst().orElseThrow();
        }
        long lostRows = spark.read().parquet(lost.toString()).count();
        Files.delete(lost);
        Files.deleteIfExists(out.resolve("." + lost.getFileName() + ".crc"));
        // and new images arrived
        for (int i = 6; i < 9; i++) {
            TinyDatasets.write(in.resolve("new" + i + ".png"), TinyDatasets.noisyRgbPng(20, 28, i));
        }
        ScoreResult r2 = ScoreJob.run(first.toBuilder().resume(true).partitions(0).build(), spark);
        assertEquals(9, r2.inputImages());
        assertEquals(6 - lostRows, r2.skipped());
        assertEquals(3 + lostRows, r2.scored());
        List<String> ids = read(out).select(ScoreSchema.ID).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        assertEquals(9, ids.size());
        assertEquals(9, new HashSet<>(ids).size(), "no id twice");
        // nothing left to do
        ScoreResult r3 = ScoreJob.run(first.toBuilder().resume(true).build(), spark);
        assertEquals(0, r3.scored());
        assertEquals(9, r3.skipped());
        assertEquals(0, r3.filesWritten());
    }

    @Test
    void existingOutputNeedsOverwriteOrResumeAndResumeNeedsTheSameModel(@TempDir Path tmp) throws Exception {
        Path in = folder(tmp.resolve("in"), 2);
        Path out = tmp.resolve("scores");
        Files.createDirectories(out);
        ScoreConfig c = ScoreConfig.builder().model(model).images(in.toString()).output(out.toString()).build();
        IOException e = assertThrows(IOException.class, () -> ScoreJob.run(c, spark));
        assertTrue(e.getMessage().contains("already exists; set overwrite to replace it, resume to continue it"),
                e.getMessage());
        Files.writeString(out.resolve("stale.parquet"), "junk");
        assertEquals(2, ScoreJob.run(c.toBuilder().overwrite(true).build(), spark).scored());
        assertTrue(Files.notExists(out.resolve("stale.parquet")));
        String other = EvalFixtures.tinyModel(tmp.resolve("other"), EvalFixtures.tinySpec(4, 3));
        IOException mixed = assertThrows(IOException.class,
                () -> ScoreJob.run(c.toBuilder().model(other).resume(true).build(), spark));
        assertTrue(mixed.getMessage().contains("holds predictions of model"), mixed.getMessage());
    }

    @Test
    void emptyInputAndClassMismatchAndChannelMismatchAreNamed(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("empty"));
        TinyDatasets.write(tmp.resolve("empty/readme.txt"), "x".getBytes());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> ScoreJob.run(ScoreConfig
                .builder().model(model).images(tmp.resolve("empty").toString()).output(tmp.resolve("o").toString()).build(),
                spark));
        assertTrue(empty.getMessage().startsWith("empty input: no PNG or JPEG images"), empty.getMessage());
        IllegalArgumentException noMatch = assertThrows(IllegalArgumentException.class, () -> ScoreJob.run(ScoreConfig
                .builder().model(model).images(tmp.resolve("nowhere") + "/*.png").output(tmp.resolve("o").toString())
                .build(), spark));
        assertTrue(noMatch.getMessage().startsWith("empty input"), noMatch.getMessage());

        String five = EvalFixtures.tinyModel(tmp.resolve("m5"), EvalFixtures.tinySpec(5, 3));
        IllegalArgumentException classes = assertThrows(IllegalArgumentException.class, () -> ScoreJob.run(ScoreConfig
                .builder().model(five).data(data).output(tmp.resolve("o").toString()).build(), spark));
        assertTrue(classes.getMessage().contains("predicts 5 classes but dataset"), classes.getMessage());
        IllegalArgumentException table = assertThrows(IllegalArgumentException.class, () -> ScoreJob.run(ScoreConfig
                .builder().model(model).images(tmp.toString()).classes(ClassTable.camvid())
                .output(tmp.resolve("o").toString()).build(), spark));
        assertTrue(table.getMessage().contains("predicts 4 classes but classes has 11"), table.getMessage());

        String grey = EvalFixtures.tinyModel(tmp.resolve("grey"), EvalFixtures.tinySpec(4, 1));
        IllegalArgumentException channels = assertThrows(IllegalArgumentException.class, () -> ScoreJob.run(ScoreConfig
                .builder().model(grey).data(data).output(tmp.resolve("o").toString()).build(), spark));
        assertTrue(channels.getMessage().contains("with 3 channel(s) but the model expects 1"), channels.getMessage());
        assertTrue(Files.notExists(tmp.resolve("o")), "nothing written on a failed check");
    }

    @Test
    void configJsonRoundTripAndValidation() {
        ScoreConfig c = ScoreConfig.builder().model("m").images("hdfs:///in/*.jpg").output("o").masks("k")
                .classes(ClassTable.camvid()).resume(true).partitions(12).lockTimeoutSeconds(30)
                .inference(InferenceConfig.builder().flip(true).build()).build();
        assertEquals(c, ScoreConfig.fromJson(c.toJson()));
        assertEquals(600, ScoreConfig.fromJson("{\"model\":\"m\",\"data\":\"d\",\"output\":\"o\"}").lockTimeoutSeconds());
        assertEquals("lockTimeoutSeconds must be >= 10, found 5",
                assertThrows(IllegalArgumentException.class, () -> c.toBuilder().lockTimeoutSeconds(5).build()).getMessage());
        ScoreConfig d = ScoreConfig.builder().model("m").data("d").split("test").output("o").build();
        assertEquals(d, ScoreConfig.fromJson(d.toJson()));
        assertNull(ScoreConfig.fromJson("{\"model\":\"m\",\"data\":\"d\",\"output\":\"o\"}").masks());
        assertEquals("exactly one of data (a prepared dataset) and images (a folder or glob) must be set, found both",
                assertThrows(IllegalArgumentException.class, () -> d.toBuilder().images("x").build()).getMessage());
        assertEquals("overwrite and resume exclude each other, found both true",
                assertThrows(IllegalArgumentException.class, () -> c.toBuilder().overwrite(true).build()).getMessage());
        assertEquals("partitions must be >= 0, found -1",
                assertThrows(IllegalArgumentException.class, () -> c.toBuilder().partitions(-1).build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScoreConfig.fromJson(
                "{\"model\":\"m\",\"data\":\"d\",\"output\":\"o\",\"inference\":{\"batchSize\":0}}")).getMessage()
                .contains("inference.batchSize must be >= 1, found 0"));
    }

    @Test
    void maskNamesReplaceTheImageExtensionAndStayInsideTheFolder() {
        assertEquals("a-" + sha16("a.jpg") + ".png", MaskNames.of("a.jpg"));
        assertEquals("sub_b-" + sha16("sub/b.PNG") + ".png", MaskNames.of("sub/b.PNG"));
        assertEquals("0001TP_006690-" + sha16("0001TP_006690") + ".png", MaskNames.of("0001TP_006690"));
        assertEquals("x-" + sha16("../x") + ".png", MaskNames.of("../x"));
    }

    private static String sha16(String id) {
        return io.segpipe.prep.Hashes.sha256Hex(id).substring(0, 16);
    }
}
