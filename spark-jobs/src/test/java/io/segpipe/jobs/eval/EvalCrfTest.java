package io.segpipe.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.infer.LoadedModel;
import io.segpipe.jobs.infer.Predictor;
import io.segpipe.jobs.infer.Tensors;
import io.segpipe.jobs.score.ScoreConfig;
import io.segpipe.jobs.score.ScoreJob;
import io.segpipe.jobs.score.ScoreResult;
import io.segpipe.jobs.score.ScoreSchema;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.crf.CrfConfig;
import io.segpipe.model.crf.CrfImage;
import io.segpipe.model.crf.DenseCrf;
import io.segpipe.prep.Json;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.reader.Normalization;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.reader.RowDecoder;
import io.segpipe.prep.reader.TensorSample;
import io.segpipe.prep.testkit.LocalSpark;

/**
 * Evaluation and scoring with {@code inference.crf} on a tiny prepared dataset and a tiny
 * (untrained, so noisy) model: the job's confusion matrix and scores equal those recomputed here,
 * image by image, from the network's probabilities and {@link DenseCrf#refineLabels} on the stored
 * image's 8-bit colours; the result records the CRF and its time next to the network's.
 */
@ExtendWith(LocalSpark.class)
class EvalCrfTest {

    private static final int CLASSES = 4;
    private static final int IGNORE = 255;
    private static final CrfConfig CRF = CrfConfig.builder().iterations(5).build();

    @TempDir
    static Path shared;
    static String data;
    static String model;
    static SparkSession spark;

    @BeforeAll
    static void setUp() {
        spark = LocalSpark.session();
        data = EvalFixtures.syntheticDataset(spark, shared.resolve("data"), 6, 40);
        model = EvalFixtures.tinyModel(shared.resolve("model"), EvalFixtures.tinySpec(CLASSES, 3));
    }

    private static EvalConfig.Builder config(Path out, InferenceConfig inference) {
        return EvalConfig.builder().model(model).data(data).split("val").output(out.toString()).partitions(2)
                .examples(2).inference(inference);
    }

    /** Labels and confidence of one image, recomputed on the driver. */
    private record Expected(int[] truth, int[] labels, double confidence) {
    }

    /**
     * Every image of the split predicted here, one at a time, with the network alone ({@code network}
     * holds no CRF), then refined by {@link DenseCrf} on the image's decoded bytes when {@code crf} is set.
     */
    private static Map<String, Expected> recompute(Normalization normalization, double inputScale, InferenceConfig network,
                                                   CrfConfig crf) throws IOException {
        Nd4jBackend.setThreads(1); // as the tasks run
        Predictor predictor = new Predictor(LoadedModel.read(model, new Configuration()).segmenter(), network, inputScale);
        RowDecoder decoder = new RowDecoder(normalization, CLASSES, IGNORE).keepingPixels();
        Map<String, Expected> out = new HashMap<>();
        for (Row row : PreppedDataset.open(spark, data).rows("val").collectAsList()) {
            TensorSample s = decoder.decode(row);
            int h = s.height();
            int w = s.width();
            INDArray p = predictor.probabilities(Tensors.batch(List.of(s.image()), s.channels(), h, w));
            float[] planes = p.dup('c').data().asFloat();
            float[] q = crf == null ? planes
                    : new DenseCrf(crf).refine(planes, CLASSES, h, w, CrfImage.interleaved(s.pixels(), h, w, s.channels()));
            int[] labels = crf == null ? DenseCrf.argMax(planes, CLASSES, h, w)
                    : new DenseCrf(crf).refineLabels(planes, CLASSES, h, w, CrfImage.interleaved(s.pixels(), h, w, s.channels()));
            double sum = 0;
            for (int i = 0; i < h * w; i++) {
                float best = q[i];
                for (int l = 1; l < CLASSES; l++) {
                    best = Math.max(best, q[l * h * w + i]);
                }
                sum += best;
            }
            out.put(s.id(), new Expected(s.label(), labels, sum / (h * w)));
        }
        return out;
    }

    private static ConfusionMatrix matrix(Map<String, Expected> images) {
        ConfusionMatrix m = new ConfusionMatrix(CLASSES, IGNORE);
        images.values().forEach(e -> m.add(e.truth(), 0, e.labels(), 0, e.labels().length));
        return m;
    }

    @Test
    void evaluationWithTheCrfCountsTheRefinedLabelsAndRecordsTheCrfAndItsTime(@TempDir Path tmp) throws Exception {
        InferenceConfig plain = InferenceConfig.builder().batchSize(2).build();
        InferenceConfig withCrf = plain.toBuilder().crf(CRF).build();
        EvalResult off = EvalJob.run(config(tmp.resolve("off"), plain).build(), spark);
        EvalResult on = EvalJob.run(config(tmp.resolve("on"), withCrf).build(), spark);

        ConfusionMatrix argMax = matrix(recompute(off.normalization(), off.inputScale(), plain, null));
        ConfusionMatrix refined = matrix(recompute(on.normalization(), on.inputScale(), plain, CRF));
        assertEquals(argMax, off.confusionMatrix(), "the recomputation reproduces the job without the CRF");
        assertEquals(refined, on.confusionMatrix(), "the job counts the CRF's labels");
        assertNotEquals(off.confusionMatrix(), on.confusionMatrix(), "the CRF changed labels of this noisy model");
        assertEquals(off.confusionMatrix().total(), on.confusionMatrix().total(), "the same pixels are counted");

        assertFalse(off.crfApplied());
        assertNull(off.inference().crf());
        assertEquals(0, off.crfSeconds());
        assertEquals(0, off.crfSecondsPerImage());
        assertTrue(off.networkSecondsPerImage() > 0);
        assertTrue(on.crfApplied());
        assertEquals(CRF, on.inference().crf());
        assertTrue(on.crfSeconds() > 0 && on.crfSecondsPerImage() > 0 && on.networkSecondsPerImage() > 0, on.toString());
        assertEquals(on.crfSeconds() / 6, on.crfSecondsPerImage(), 1e-12);
        assertEquals(on.inferenceSeconds() / 6, on.networkSecondsPerImage(), 1e-12);

        String json = Files.readString(tmp.resolve("on").resolve(EvalReport.JSON));
        assertEquals(on, Json.read(json, EvalResult.class));
        assertTrue(json.contains("\"crf\" : {") && json.contains("\"iterations\" : 5") && json.contains("\"crfSecondsPerImage\""),
                json);
        String offJson = Files.readString(tmp.resolve("off").resolve(EvalReport.JSON));
        assertFalse(offJson.contains("\"crf\" :"), "no CRF, no crf key: " + offJson);
        // a report written before the CRF existed (no timing fields) still reads, with 0 for them
        String before = offJson.lines().filter(l -> !l.matches("\\s*\"(crfSeconds|networkSecondsPerImage|crfSecondsPerImage)\".*"))
                .collect(java.util.stream.Collectors.joining("\n"));
        assertFalse(before.contains("SecondsPerImage"), before);
        EvalResult old = Json.read(before, EvalResult.class);
        assertEquals(off.confusionMatrix(), old.confusionMatrix());
        assertEquals(0, old.networkSecondsPerImage());
        String html = Files.readString(tmp.resolve("on").resolve(EvalReport.HTML));
        assertTrue(html.contains("<th>dense CRF</th><td>dense CRF (w1 4, thetaAlpha 60, thetaBeta 5, w2 3, thetaGamma 3, "
                + "5 iterations)</td>"), html);
        assertTrue(html.matches("(?s).*<th>task time per image</th><td>network [0-9.]+ s, CRF [0-9.]+ s</td>.*"), html);
        assertTrue(Files.readString(tmp.resolve("off").resolve(EvalReport.HTML)).contains("<th>dense CRF</th><td>off</td>"));
    }

    @Test
    void theCrfRunsAtTheStoredSizeAfterASlidingWindowAtHalfScale(@TempDir Path tmp) throws Exception {
        InferenceConfig sliding = InferenceConfig.builder().batchSize(3).slidingWindow(true).tile(12, 12).overlap(0.5)
                .build();
        EvalResult r = EvalJob.run(config(tmp.resolve("o"), sliding.toBuilder().crf(CRF).build()).inputScale(0.5)
                .examples(0).build(), spark);
        Map<String, Expected> expected = recompute(r.normalization(), 0.5, sliding, CRF);
        assertEquals(matrix(expected), r.confusionMatrix());
        // every labelled pixel of the stored 40x40 images is counted: labels at the stored size
        long pixels = expected.values().stream().mapToLong(e -> e.labels().length).sum();
        assertEquals(6L * 40 * 40, pixels);
        assertEquals(pixels, r.confusionMatrix().total() + r.confusionMatrix().ignoredPixels());
    }

    @Test
    void scoringWithTheCrfWritesTheRefinedLabelsAndConfidences(@TempDir Path tmp) throws Exception {
        InferenceConfig plain = InferenceConfig.builder().batchSize(2).build();
        Path out = tmp.resolve("scores");
        ScoreResult r = ScoreJob.run(ScoreConfig.builder().model(model).data(data).split("val").output(out.toString())
                .partitions(2).normalization(Normalization.UNIT).inputScale(1.0).inference(plain.toBuilder().crf(CRF).build())
                .build(), spark);
        assertEquals(6, r.scored());
        assertTrue(r.crfApplied());
        assertEquals(CRF, r.inference().crf());
        assertTrue(r.crfSeconds() > 0 && r.crfSecondsPerImage() > 0 && r.networkSecondsPerImage() > 0, r.toString());
        assertEquals(r, Json.read(Json.write(r), ScoreResult.class));

        Map<String, Expected> expected = recompute(Normalization.UNIT, 1.0, plain, CRF);
        Map<String, Expected> argMax = recompute(Normalization.UNIT, 1.0, plain, null);
        List<Row> rows = spark.read().parquet(out.toString()).collectAsList();
        assertEquals(6, rows.size());
        int changed = 0;
        for (Row row : rows) {
            String id = row.getString(row.fieldIndex(ScoreSchema.ID));
            byte[] predicted = ImageCodec.decodeLabel((byte[]) row.get(row.fieldIndex(ScoreSchema.PREDICTION))).data();
            Expected e = expected.get(id);
            for (int i = 0; i < predicted.length; i++) {
                assertEquals(e.labels()[i], predicted[i] & 0xFF, id + " pixel " + i);
                changed += argMax.get(id).labels()[i] != e.labels()[i] ? 1 : 0;
            }
            assertEquals(e.confidence(), row.getDouble(row.fieldIndex(ScoreSchema.CONFIDENCE)), 1e-5, id);
        }
        assertTrue(changed > 0, "the CRF changed no label, so the comparison cannot tell it from the arg-max");
    }
}
