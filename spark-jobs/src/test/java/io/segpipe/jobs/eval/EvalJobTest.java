package io.segpipe.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.infer.LoadedModel;
import io.segpipe.jobs.infer.Predictor;
import io.segpipe.jobs.infer.Tensors;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.Json;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.reader.Normalization;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.reader.RowDecoder;
import io.segpipe.prep.reader.TensorSample;
import io.segpipe.prep.schema.ShardSchema;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.DamagedDatasets;
import io.segpipe.prep.testkit.TinyDatasets;

@ExtendWith(LocalSpark.class)
class EvalJobTest {

    @TempDir
    static Path shared;
    static String data;
    static String model;
    static SparkSession spark;

    @BeforeAll
    static void setUp() {
        spark = LocalSpark.session();
        data = EvalFixtures.syntheticDataset(spark, shared.resolve("data"), 12, 40);
        model = EvalFixtures.tinyModel(shared.resolve("model"), EvalFixtures.tinySpec(4, 3));
    }

    private static EvalConfig.Builder config(Path out) {
        return EvalConfig.builder().model(model).data(data).split("val").output(out.toString())
                .inference(InferenceConfig.builder().batchSize(1).build());
    }

    @Test
    void oneAndFourPartitionsGiveIdenticalMatrices(@TempDir Path tmp) throws IOException {
        EvalResult one = EvalJob.run(config(tmp.resolve("one")).partitions(1).build(), spark);
        EvalResult four = EvalJob.run(config(tmp.resolve("four")).partitions(4).build(), spark);
        assertEquals(1, one.partitions());
        assertEquals(4, four.partitions());
        assertEquals(12, one.images());
        assertEquals(12, four.images());
        assertEquals(one.confusionMatrix(), four.confusionMatrix());
        assertEquals(one.metrics(), four.metrics());
        // every non-ignored pixel is counted once: 12 images of 40x40 minus the ignore-label pixels
        long ignored = countIgnored();
        assertEquals(12L * 40 * 40 - ignored, one.confusionMatrix().total());
        assertEquals(ignored, one.confusionMatrix().ignoredPixels());
    }

    private static long countIgnored() throws IOException {
        PreppedDataset ds = PreppedDataset.open(spark, data);
        return ds.manifest().splits().get("val").ignorePixels();
    }

    @Test
    void writesJsonThatRoundTripsAndAnHtmlReportWithHeatMapAndExamples(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("report");
        EvalResult r = EvalJob.run(config(out).examples(3).build(), spark);
        String json = Files.readString(out.resolve(EvalReport.JSON));
        EvalResult back = Json.read(json, EvalResult.class);
        assertEquals(r, back);
        assertTrue(json.contains("\"counts\""), "matrix in the JSON");
        String html = Files.readString(out.resolve(EvalReport.HTML), StandardCharsets.UTF_8);
        for (String name : List.of("background", "disc", "square", "triangle", "confusion.png", "mIoU")) {
            assertTrue(html.contains(name), name);
        }
        var heat = ImageCodec.decodeImage(Files.readAllBytes(out.resolve(EvalReport.HEAT_MAP)));
        assertEquals(3, heat.channels());
        for (int i = 0; i < 3; i++) {
            for (String panel : List.of("image", "truth", "prediction", "errors")) {
                Path png = out.resolve("examples/" + i + "-" + panel + ".png");
                assertEquals(40, ImageCodec.decodeImage(Files.readAllBytes(png)).width(), png.toString());
                assertTrue(html.contains("examples/" + i + "-" + panel + ".png"));
            }
            // truth and prediction are masks: class ids (and the ignore label) with the class colours as palette
            for (String panel : List.of("truth", "prediction")) {
                byte[] png = Files.readAllBytes(out.resolve("examples/" + i + "-" + panel + ".png"));
                io.segpipe.prep.codec.LabelRaster mask = ImageCodec.decodeLabel(png);
                assertEquals(io.segpipe.prep.codec.LabelRaster.Kind.PALETTE, mask.kind(), panel);
                for (byte v : mask.data()) {
                    assertTrue(r.classes().isValidLabel(v & 0xFF), panel + " value " + (v & 0xFF));
                }
                assertEquals(r.classes().classes().get(1).colour().packed(), mask.palette()[1], panel);
            }
        }
        // no staging directory left behind
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(out), files.toList());
        }
    }

    /**
     * The examples are the worst images and per_image.csv holds every image's numbers, both checked
     * against a recomputation outside the job: each stored row predicted here with the same model
     * (one image at a time, on the driver) and scored class by class from the stored label PNG.
     * Three partitions of four images each keep their worst three; the merge keeps three of nine.
     */
    @Test
    void examplesAreTheTrueWorstImagesAndPerImageNumbersMatchARecomputation(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("worst");
        EvalJob.run(config(out).partitions(3).examples(3).build(), spark);

        Map<String, double[]> own = recomputePerImage();
        assertEquals(12, own.size());
        List<String> worst = own.keySet().stream()
                .sorted(Comparator.comparingDouble((String id) -> own.get(id)[0]).thenComparing(Comparator.naturalOrder()))
                .limit(3).toList();
        assertNotEquals(own.keySet().stream().sorted().limit(3).toList(), worst,
                "fixture check: the worst images are not simply the first ids");

        Document doc = Jsoup.parse(Files.readString(out.resolve(EvalReport.HTML)));
        List<Element> figures = doc.select("figure.example");
        assertEquals(worst, figures.stream().map(f -> f.attr("data-id")).toList(), "own per-image mIoU: " + own.entrySet()
                .stream().map(e -> e.getKey() + "=" + e.getValue()[0]).sorted().toList());
        for (Element f : figures) {
            assertEquals(own.get(f.attr("data-id"))[0], Double.parseDouble(f.attr("data-mean-iou")), 1e-12);
        }
        for (Element e : doc.select("[src], [href]")) {
            String ref = e.hasAttr("src") ? e.attr("src") : e.attr("href");
            assertTrue(ref.startsWith("#") ? doc.getElementById(ref.substring(1)) != null
                    : Files.isRegularFile(out.resolve(ref)), ref);
        }

        List<String> lines = Files.readAllLines(out.resolve(EvalReport.PER_IMAGE));
        assertEquals(EvalReport.PER_IMAGE_HEADER, lines.get(0));
        assertEquals(13, lines.size(), "one row per image");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            double[] expected = own.get(f[0]);
            assertEquals(expected[0], Double.parseDouble(f[1]), 1e-6, "mIoU of " + f[0]);
            assertEquals(expected[1], Double.parseDouble(f[2]), 1e-6, "pixel accuracy of " + f[0]);
            assertEquals((long) expected[2], Long.parseLong(f[3]), "pixels of " + f[0]);
        }
        // the model directory's curves and provenance are in the page
        assertTrue(Files.isRegularFile(out.resolve(TrainingSection.LOSS_CHART)));
        assertTrue(doc.select("table.prov td").stream().anyMatch(td -> td.text().matches("[0-9a-f]{64}")),
                "the data manifest's SHA-256");
    }

    /** id -> {mIoU, pixel accuracy, counted pixels} of every image, predicted and scored here. */
    private static Map<String, double[]> recomputePerImage() throws Exception {
        PreppedDataset ds = PreppedDataset.open(spark, data);
        int k = ds.manifest().classTable().numClasses();
        int ignore = ds.manifest().classTable().ignoreLabel();
        RowDecoder decoder = new RowDecoder(Normalization.UNIT, k, ignore);
        Predictor predictor = new Predictor(LoadedModel.read(model, new Configuration()).segmenter(),
                InferenceConfig.builder().batchSize(1).build());
        Map<String, double[]> own = new HashMap<>();
        for (Row row : ds.rows("val").collectAsList()) {
            TensorSample sample = decoder.decode(row);
            int[] pred = predictor.predict(Tensors.batch(List.of(sample.image()), sample.channels(), sample.height(),
                    sample.width()), false).labels();
            byte[] truth = ImageCodec.decodeLabel((byte[]) row.get(row.fieldIndex(ShardSchema.LABEL))).data();
            own.put(sample.id(), OwnImageScore.of(truth, pred, k, ignore));
        }
        return own;
    }

    @Test
    void existingOutputWithoutOverwriteFailsBeforeWork(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("exists");
        Files.createDirectories(out);
        IOException e = assertThrows(IOException.class, () -> EvalJob.run(config(out).build(), spark));
        assertTrue(e.getMessage().contains("already exists; set overwrite"), e.getMessage());
        EvalResult r = EvalJob.run(config(out).overwrite(true).examples(0).build(), spark);
        assertEquals(12, r.images());
    }

    @Test
    void classCountMismatchNamesBothCounts(@TempDir Path tmp) {
        String fiveClasses = EvalFixtures.tinyModel(tmp.resolve("m5"), EvalFixtures.tinySpec(5, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EvalJob.run(config(tmp.resolve("o")).model(fiveClasses).build(), spark));
        assertTrue(e.getMessage().startsWith("class count mismatch: model "), e.getMessage());
        assertTrue(e.getMessage().contains("predicts 5 classes but dataset"), e.getMessage());
        assertTrue(e.getMessage().contains("has 4 [background, disc, square, triangle]"), e.getMessage());
    }

    @Test
    void channelMismatchIsReportedBeforeInference(@TempDir Path tmp) {
        String grey = EvalFixtures.tinyModel(tmp.resolve("grey"), EvalFixtures.tinySpec(4, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EvalJob.run(config(tmp.resolve("o")).model(grey).build(), spark));
        assertTrue(e.getMessage().contains("has 12 image(s) with 3 channel(s) but the model expects 1"), e.getMessage());
    }

    @Test
    void aFileThatIsNotADl4jModelIsNamed(@TempDir Path tmp) throws IOException {
        Path dir = Path.of(EvalFixtures.tinyModel(tmp.resolve("bogus"), EvalFixtures.tinySpec(4, 3)));
        Files.write(dir.resolve(io.segpipe.jobs.model.ModelDirectory.MODEL), TinyDatasets.noisyRgbPng(8, 8, 1));
        Files.deleteIfExists(dir.resolve("." + io.segpipe.jobs.model.ModelDirectory.MODEL + ".crc")); // Hadoop's local checksum
        IOException changed = assertThrows(IOException.class,
                () -> EvalJob.run(config(tmp.resolve("o")).model(dir.toString()).build(), spark));
        assertTrue(changed.getMessage().contains("model.zip was changed after it was written"), changed.getMessage());
        // Without the recorded hash (a directory of an earlier segpipe) the file itself is judged.
        Files.delete(dir.resolve(io.segpipe.jobs.model.ModelDirectory.MODEL_SHA256));
        Files.deleteIfExists(dir.resolve("." + io.segpipe.jobs.model.ModelDirectory.MODEL_SHA256 + ".crc"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EvalJob.run(config(tmp.resolve("o")).model(dir.toString()).build(), spark));
        assertTrue(e.getMessage().contains("model.zip") && e.getMessage().contains("is not a DL4J model"), e.getMessage());
        Path missing = tmp.resolve("nothing");
        IOException io = assertThrows(IOException.class,
                () -> EvalJob.run(config(tmp.resolve("o")).model(missing.toString()).build(), spark));
        assertTrue(io.getMessage().contains("no model directory at"), io.getMessage());
    }

    @Test
    void missingSplitIsNamedWithTheAvailableOnes(@TempDir Path tmp) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EvalJob.run(config(tmp.resolve("o")).split("test").build(), spark));
        assertTrue(e.getMessage().contains("has no split test; it has [val]"), e.getMessage());
    }

    @Test
    void aCorruptStoredImageIsCountedListedAndSkipped(@TempDir Path tmp) throws Exception {
        // a copy of the dataset where one row's image bytes are truncated
        PreppedDataset ds = PreppedDataset.open(spark, data);
        String victim = ds.rows().select(ShardSchema.ID).orderBy(ShardSchema.ID).first().getString(0);
        Path copy = tmp.resolve("damaged");
        DamagedDatasets.withTruncatedImages(spark, ds.path(), copy, List.of(victim));

        // 1 of 12 rows is exactly the limit here (the default, 0.01, would stop the job)
        EvalResult r = EvalJob.run(config(tmp.resolve("o")).data(copy.toString()).maxCorruptFraction(1.0 / 12).build(),
                spark);
        assertEquals(11, r.images());
        assertEquals(1, r.badImages());
        assertEquals(victim, r.bad().get(0).id());
        assertTrue(r.bad().get(0).reason().contains("corrupt PNG"), r.bad().get(0).reason());
        String html = Files.readString(tmp.resolve("o").resolve(EvalReport.HTML));
        assertTrue(html.contains("Skipped images (1)") && html.contains(victim));

        // above the limit: one message with the exact counts, and no report
        Path above = tmp.resolve("above");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EvalJob.run(config(above)
                .data(copy.toString()).build(), spark));
        assertEquals("split val of file:" + copy + ": 1 of 12 rows are corrupt (8.33%), above maxCorruptFraction 0.01;"
                + " the data was damaged after prep (prepare it again); corrupt ids: " + victim, e.getMessage());
        assertTrue(Files.notExists(above), "no report written");
    }

    @Test
    void theCorruptRowLimitIsValidatedWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EvalConfig.builder().model("m").data("d").output("o").maxCorruptFraction(-0.1).build());
        assertEquals("maxCorruptFraction must be in [0.0, 1.0], found -0.1", e.getMessage());
    }

    @Test
    void slidingWindowNeedsATileSizeWhenTheSpecHasNone(@TempDir Path tmp) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EvalJob.run(config(tmp.resolve("o"))
                .inference(InferenceConfig.builder().slidingWindow(true).build()).build(), spark));
        assertTrue(e.getMessage().startsWith("inference.tileHeight/tileWidth must be set"), e.getMessage());
    }

    @Test
    void slidingWindowMultiScaleAndFlipRun(@TempDir Path tmp) throws IOException {
        EvalResult r = EvalJob.run(config(tmp.resolve("tta")).examples(0).inference(InferenceConfig.builder()
                .slidingWindow(true).tile(24, 24).overlap(0.5).scales(List.of(0.75, 1.0)).flip(true).batchSize(3).build())
                .build(), spark);
        assertEquals(12, r.images());
        assertEquals(12L * 40 * 40 - countIgnored(), r.confusionMatrix().total());
    }

    @Test
    void configJsonRoundTripAndFieldNamedValidation() {
        EvalConfig c = EvalConfig.builder().model("m").data("d").output("o").partitions(3).examples(2)
                .inference(InferenceConfig.builder().slidingWindow(true).tile(64, 96).scales(List.of(0.5, 1.0, 1.5))
                        .flip(true).build()).build();
        assertEquals(c, EvalConfig.fromJson(c.toJson()));
        EvalConfig defaults = EvalConfig.fromJson("{\"model\":\"m\",\"data\":\"d\",\"output\":\"o\"}");
        assertEquals("val", defaults.split());
        // Unset, normalization, inputScale and inference are the model's recorded ones (InputSettings).
        assertNull(defaults.inference());
        assertNull(defaults.normalization());
        assertNull(defaults.inputScale());
        assertEquals("model must be a non-empty string, found null",
                assertThrows(IllegalArgumentException.class, () -> EvalConfig.builder().data("d").output("o").build())
                        .getMessage());
        assertEquals("examples must be in [0, 64], found 65", assertThrows(IllegalArgumentException.class,
                () -> c.toBuilder().examples(65).build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EvalConfig.fromJson(
                "{\"model\":\"m\",\"data\":\"d\",\"output\":\"o\",\"inference\":{\"overlap\":0.95}}")).getMessage()
                .contains("inference.overlap must be in [0.0, 0.9], found 0.95"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EvalConfig.fromJson(
                "{\"model\":\"m\",\"data\":\"d\",\"output\":\"o\",\"partition\":2}")).getMessage().contains("partition"));
    }

    @Test
    void wholeImageModeNeedsNoTile() {
        SegmentationSpec spec = EvalFixtures.tinySpec(4, 3);
        assertArrayEquals(new int[] {0, 0}, Predictor.tileSize(spec, InferenceConfig.DEFAULT));
    }
}
