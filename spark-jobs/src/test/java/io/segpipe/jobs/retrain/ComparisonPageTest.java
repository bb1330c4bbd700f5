package io.segpipe.jobs.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.eval.EvalReport;
import io.segpipe.jobs.eval.EvalResult;
import io.segpipe.jobs.eval.ImageScore;
import io.segpipe.jobs.eval.SegmentationMetrics;
import io.segpipe.jobs.registry.HistoryRecord;
import io.segpipe.jobs.registry.ModelRegistry;
import io.segpipe.jobs.registry.RunOutcome;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.testkit.LocalSpark;

/**
 * The champion-versus-challenger page on two real tiny retraining runs: none on the first run
 * (no champion), then a page whose numbers are recomputed here from the two evaluation reports.
 */
@ExtendWith(LocalSpark.class)
class ComparisonPageTest {

    @TempDir
    Path tmp;

    @Test
    void theSecondRunWritesAPageTheHistoryPointsAt() throws Exception {
        RetrainConfig base = RetrainFixtures.config(tmp);
        Path root = tmp.resolve("registry");
        ModelRegistry registry = ModelRegistry.open(root.toString(), new Configuration());

        RetrainResult first = RetrainJob.run(base.toBuilder().runId("first").build(), LocalSpark.session());
        assertEquals(RunOutcome.PROMOTED, first.outcome(), first.reason());
        assertNull(first.record().comparison(), "no champion, no comparison");
        assertFalse(Files.exists(root.resolve("reports/first/comparison")));

        // a different seed, so the challenger's predictions differ from the champion's; the strictest
        // per-class guard (no class may lose any IoU)
        RetrainConfig strict = base.toBuilder().runId("second").margin(0).maxClassRegression(0.0)
                .train(RetrainFixtures.train().toBuilder().seed(12).build()).build();
        RetrainResult second = RetrainJob.run(strict, LocalSpark.session());

        Path dir = root.resolve("reports/second/comparison");
        Path page = dir.resolve("index.html");
        List<HistoryRecord> history = registry.history();
        HistoryRecord record = history.get(1);
        assertEquals("second", record.runId());
        assertTrue(record.comparison() != null && record.comparison().endsWith("reports/second/comparison/index.html"),
                String.valueOf(record.comparison()));
        assertEquals(page.toUri().getPath(), new org.apache.hadoop.fs.Path(record.comparison()).toUri().getPath());
        assertNull(history.get(0).comparison());
        assertTrue(record.seconds().containsKey("compare"), record.seconds().toString());

        Document doc = Jsoup.parse(page.toFile(), "UTF-8");
        // every picture and link of the page exists
        List<Element> images = doc.select("img");
        assertFalse(images.isEmpty());
        for (Element img : images) {
            assertTrue(Files.isRegularFile(dir.resolve(img.attr("src"))), img.attr("src"));
        }
        for (Element a : doc.select("a[href]")) {
            String href = a.attr("href");
            if (!href.startsWith("#")) {
                assertTrue(Files.isRegularFile(dir.resolve(href).normalize()), href);
            }
        }
        assertTrue(doc.selectFirst("#decision").text().contains(second.reason()), doc.selectFirst("#decision").text());

        // per-class regressions = champion IoU − challenger IoU from the two report.json, worst first
        FileSystem fs = FileSystem.getLocal(new Configuration());
        EvalResult champion = EvalReport.read(fs, new org.apache.hadoop.fs.Path(root.resolve("reports/second/champion")
                .toUri()));
        EvalResult challenger = EvalReport.read(fs, new org.apache.hadoop.fs.Path(root.resolve(
                "reports/second/challenger").toUri()));
        // the run decided with the guard on both reports' per-class IoU
        List<PromotionPolicy.ClassIoU> classIous = PromotionPolicy.ClassIoU.of(champion.metrics(), challenger.metrics());
        PromotionPolicy.Decision decision = strict.policy().decide(Metric.MEAN_IOU.of(challenger.metrics()),
                Metric.MEAN_IOU.of(champion.metrics()), "v000001", classIous);
        assertEquals(decision.reason(), second.reason());
        assertEquals(decision.promote() ? RunOutcome.PROMOTED : RunOutcome.KEPT, second.outcome());
        long over = classIous.stream().filter(c -> c.regression() > PromotionPolicy.EPSILON).count();
        assertEquals(over, doc.select("tr.over").size(), "classes over the guard's limit are highlighted");
        Map<String, Double> expected = new HashMap<>();
        for (int k = 0; k < champion.metrics().numClasses(); k++) {
            SegmentationMetrics.ClassMetrics a = champion.metrics().perClass().get(k);
            expected.put(a.name(), a.iou() - challenger.metrics().perClass().get(k).iou());
        }
        List<Element> rows = doc.select("tr[data-class]");
        assertEquals(expected.size(), rows.size());
        double previous = Double.POSITIVE_INFINITY;
        for (Element row : rows) {
            double regression = Double.parseDouble(row.attr("data-regression"));
            double want = expected.get(row.attr("data-class"));
            assertEquals(want, regression, 1e-12, row.attr("data-class"));
            if (!Double.isNaN(regression)) {
                assertTrue(regression <= previous, "sorted worst regression first: " + regression + " after " + previous);
                previous = regression;
            }
        }
        Element miou = doc.selectFirst("tr[data-metric=meanIoU]");
        assertTrue(miou.text().contains(EvalReport.pct(champion.metrics().meanIoU()))
                && miou.text().contains(EvalReport.pct(challenger.metrics().meanIoU())), miou.text());

        // the images they disagree on most: |mIoU gap| from the two per_image.csv, largest first, min(6, images)
        Map<String, Double> gaps = new HashMap<>();
        Map<String, ImageScore> a = new HashMap<>();
        for (ImageScore s : EvalReport.readPerImage(fs, new org.apache.hadoop.fs.Path(
                root.resolve("reports/second/champion").toUri()))) {
            a.put(s.id(), s);
        }
        for (ImageScore s : EvalReport.readPerImage(fs, new org.apache.hadoop.fs.Path(
                root.resolve("reports/second/challenger").toUri()))) {
            if (s.defined() && a.get(s.id()).defined()) {
                gaps.put(s.id(), Math.abs(a.get(s.id()).meanIoU() - s.meanIoU()));
            }
        }
        assertTrue(gaps.size() > 0);
        List<Element> figures = doc.select("figure.example");
        assertEquals(Math.min(6, gaps.size()), figures.size());
        double last = Double.POSITIVE_INFINITY;
        Set<String> shown = new HashSet<>();
        for (Element f : figures) {
            String id = f.attr("data-id");
            double gap = Double.parseDouble(f.attr("data-gap"));
            assertEquals(gaps.get(id), gap, 1e-12, id);
            assertTrue(gap <= last, "largest gap first");
            last = gap;
            shown.add(id);
            assertEquals(4, f.select("img").size(), "image, truth, champion, challenger");
        }
        for (Map.Entry<String, Double> e : gaps.entrySet()) {
            if (!shown.contains(e.getKey())) {
                assertTrue(e.getValue() <= last, e.getKey() + " disagrees more than a shown image");
            }
        }
        // each figure's panels are the two models' predictions of that image: scored against the
        // truth panel, they give the image's mIoU in each model's per_image.csv
        Map<String, ImageScore> b = new HashMap<>();
        for (ImageScore s : EvalReport.readPerImage(fs, new org.apache.hadoop.fs.Path(
                root.resolve("reports/second/challenger").toUri()))) {
            b.put(s.id(), s);
        }
        int k = challenger.classes().numClasses();
        int ignore = challenger.classes().ignore().orElse(-1);
        for (int i = 0; i < figures.size(); i++) {
            String id = figures.get(i).attr("data-id");
            int[] truth = labels(dir.resolve("examples/" + i + "-truth.png"));
            int[] byChampion = labels(dir.resolve("examples/" + i + "-champion.png"));
            int[] byChallenger = labels(dir.resolve("examples/" + i + "-challenger.png"));
            assertEquals(a.get(id).meanIoU(), ImageScore.of(id, truth, 0, byChampion, 0, truth.length, k, ignore)
                    .meanIoU(), 1e-6, "champion panel of " + id);
            assertEquals(b.get(id).meanIoU(), ImageScore.of(id, truth, 0, byChallenger, 0, truth.length, k, ignore)
                    .meanIoU(), 1e-6, "challenger panel of " + id);
        }
    }

    /** The class ids of an indexed label PNG. */
    private static int[] labels(Path png) throws Exception {
        byte[] data = ImageCodec.decodeLabel(Files.readAllBytes(png)).data();
        int[] out = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = data[i] & 0xFF;
        }
        return out;
    }
}
