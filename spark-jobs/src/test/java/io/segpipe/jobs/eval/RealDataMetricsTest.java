package io.segpipe.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;

import javax.imageio.ImageIO;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.infer.LoadedModel;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.predict.Segmenter;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.SharedData;

/**
 * Every metric of a distributed evaluation on real data (CamVid val, 360x480, void = 11 ignored) recomputed independently: images and labels read straight from the PNG files with
 * ImageIO, one image per forward pass, argmax, confusion counts and every metric by plain loops.
 */
@ExtendWith(LocalSpark.class)
class RealDataMetricsTest {

    private static final int K = 11;
    private static final int VOID = 11;

    /** The first 16 val images (by name): the default run, about 30 s on a shared 2-core machine. */
    @Test
    void camvidValSubsetMetricsAgreeWithPlainLoops(@TempDir Path tmp) throws Exception {
        Path camvid = SharedData.requireDataset("camvid");
        Path subset = tmp.resolve("camvid-subset");
        File[] all = camvid.resolve("val").toFile().listFiles((d, n) -> n.endsWith(".png"));
        Arrays.sort(all);
        for (File f : Arrays.copyOf(all, 16)) {
            for (String dir : new String[] {"val", "valannot"}) {
                java.nio.file.Files.createDirectories(subset.resolve(dir));
                java.nio.file.Files.copy(camvid.resolve(dir).resolve(f.getName()), subset.resolve(dir).resolve(f.getName()));
            }
        }
        check(subset, tmp);
    }

    /** All 101 val images (about 3 minutes). */
    @Test
    @Tag("slow")
    void camvidValMetricsAgreeWithPlainLoops(@TempDir Path tmp) throws Exception {
        check(SharedData.requireDataset("camvid"), tmp);
    }

    private static void check(Path camvid, Path tmp) throws Exception {
        SparkSession spark = LocalSpark.session();
        String data = EvalFixtures.camvidVal(spark, camvid, tmp);
        String model = EvalFixtures.tinyModel(tmp.resolve("model"), EvalFixtures.tinySpec(K, 3));
        EvalResult r = EvalJob.run(EvalConfig.builder().model(model).data(data).split("val")
                .output(tmp.resolve("report").toString()).partitions(3)
                .inference(InferenceConfig.builder().batchSize(1).build()).build(), spark);

        // independent recomputation
        Nd4jBackend.init();
        Segmenter segmenter = LoadedModel.read(model, new Configuration()).segmenter();
        long[][] counts = new long[K + 1][K];
        File[] images = camvid.resolve("val").toFile().listFiles((d, n) -> n.endsWith(".png"));
        Arrays.sort(images);
        for (File imageFile : images) {
            BufferedImage image = ImageIO.read(imageFile);
            Raster label = ImageIO.read(camvid.resolve("valannot").resolve(imageFile.getName()).toFile()).getRaster();
            int h = image.getHeight();
            int w = image.getWidth();
            float scale = (float) (1.0 / 255);
            float[] chw = new float[3 * h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = image.getRGB(x, y);
                    chw[y * w + x] = ((rgb >> 16) & 0xFF) * scale + 0f;
                    chw[h * w + y * w + x] = ((rgb >> 8) & 0xFF) * scale + 0f;
                    chw[2 * h * w + y * w + x] = (rgb & 0xFF) * scale + 0f;
                }
            }
            INDArray probabilities = segmenter.probabilities(Nd4j.create(chw, new long[] {1, 3, h, w}, 'c'));
            float[] p = probabilities.dup('c').data().asFloat();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int best = 0;
                    for (int k = 1; k < K; k++) {
                        if (p[k * h * w + y * w + x] > p[best * h * w + y * w + x]) {
                            best = k;
                        }
                    }
                    counts[label.getSample(x, y, 0)][best]++;
                }
            }
        }

        assertEquals(images.length, r.images());
        assertEquals(0, r.badImages());
        long ignored = Arrays.stream(counts[VOID]).sum();
        assertEquals(ignored, r.confusionMatrix().ignoredPixels());
        assertTrue(ignored > 0, "CamVid val has void pixels");
        for (int t = 0; t < K; t++) {
            for (int q = 0; q < K; q++) {
                assertEquals(counts[t][q], r.confusionMatrix().count(t, q), "count[" + t + "][" + q + "]");
            }
        }

        long total = 0;
        long correct = 0;
        double iouSum = 0;
        double diceSum = 0;
        double accSum = 0;
        double fw = 0;
        int present = 0;
        int inTruth = 0;
        long[] support = new long[K];
        for (int k = 0; k < K; k++) {
            for (int q = 0; q < K; q++) {
                total += counts[k][q];
                support[k] += counts[k][q];
            }
            correct += counts[k][k];
        }
        SegmentationMetrics m = r.metrics();
        for (int k = 0; k < K; k++) {
            long tp = counts[k][k];
            long predicted = 0;
            for (int t = 0; t < K; t++) {
                predicted += counts[t][k];
            }
            long fp = predicted - tp;
            long fn = support[k] - tp;
            SegmentationMetrics.ClassMetrics c = m.perClass().get(k);
            assertEquals(tp, c.truePositives());
            assertEquals(fp, c.falsePositives());
            assertEquals(fn, c.falseNegatives());
            assertEquals(support[k], c.support());
            assertEquals(predicted, c.predicted());
            if (tp + fp + fn == 0) {
                assertTrue(Double.isNaN(c.iou()) && Double.isNaN(c.dice()) && c.absent(), "class " + k);
                continue;
            }
            double iou = tp / (double) (tp + fp + fn);
            double dice = 2.0 * tp / (2.0 * tp + fp + fn);
            assertEquals(iou, c.iou(), 1e-9, "IoU " + k);
            assertEquals(dice, c.dice(), 1e-9, "Dice " + k);
            iouSum += iou;
            diceSum += dice;
            present++;
            if (support[k] > 0) {
                double acc = tp / (double) support[k];
                assertEquals(acc, c.accuracy(), 1e-9, "accuracy " + k);
                accSum += acc;
                inTruth++;
                fw += support[k] / (double) total * iou;
            }
            if (predicted > 0) {
                assertEquals(tp / (double) predicted, c.precision(), 1e-9, "precision " + k);
            }
        }
        assertEquals(total, m.totalPixels());
        assertEquals(correct / (double) total, m.pixelAccuracy(), 1e-9);
        assertEquals(iouSum / present, m.meanIoU(), 1e-9);
        assertEquals(diceSum / present, m.meanDice(), 1e-9);
        assertEquals(accSum / inTruth, m.meanClassAccuracy(), 1e-9);
        assertEquals(fw, m.frequencyWeightedIoU(), 1e-9);
    }
}
