package io.segpipe.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.jobs.model.ModelFixtures;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.codec.RasterImage;
import io.segpipe.prep.reader.Normalization;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;

/**
 * The report as a reader sees it, written from a tiny hand-made evaluation (no Spark, no model):
 * 9 label maps of 8 x 6 pixels with predictions that are wrong on a different share of each
 * (all of img-04's, none of img-00's), plus a copy of the worst under another id (a tie), scored
 * and chosen the way the executors do (per "partition", then merged).
 */
class EvalReportTest {

    private static final ClassTable CLASSES = SyntheticDatasetGenerator.classTable();
    private static final int IGNORE = CLASSES.ignoreLabel();
    private static final int W = 8;
    private static final int H = 6;
    private static final int EXAMPLES = 3;

    @TempDir
    Path tmp;

    /** One image of the fixture: its stored label and its prediction, 8-bit values. */
    private record Pair(String id, byte[] truth, byte[] prediction, byte[] image) {
    }

    private static List<Pair> fixture() {
        Random random = new Random(17);
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            byte[] truth = new byte[W * H];
            byte[] pred = new byte[W * H];
            for (int p = 0; p < truth.length; p++) {
                int t = random.nextInt(10) == 0 ? IGNORE : p / 12; // four horizontal bands of classes
                truth[p] = (byte) t;
                boolean wrong = random.nextDouble() < i / 8.0; // img-00: every counted pixel wrong
                int c = t == IGNORE ? random.nextInt(4) : t;
                pred[p] = (byte) (wrong ? (c + 1 + random.nextInt(3)) % 4 : c);
            }
            // ids unrelated to how wrong the prediction is: the first ids are not the worst images
            pairs.add(new Pair(String.format("img-%02d", i * 5 % 9), truth, pred, TinyImages.rgb(W, H, i)));
        }
        // a tie among the worst: the same maps under two ids
        Pair worst = pairs.get(pairs.size() - 1);
        pairs.add(new Pair(worst.id() + "b", worst.truth(), worst.prediction(), worst.image()));
        return pairs;
    }

    /** The report of {@link #fixture()}, with the scores and the examples chosen over three "partitions". */
    private Path writeReport(ModelDirectory.Info training, String registry, Integer version) throws IOException {
        List<Pair> pairs = fixture();
        ConfusionMatrix total = ConfusionMatrix.of(CLASSES);
        List<ImageScore> scores = new ArrayList<>();
        List<WorstExamples> partitions = List.of(new WorstExamples(EXAMPLES), new WorstExamples(EXAMPLES),
                new WorstExamples(EXAMPLES));
        for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            int[] truth = ints(p.truth());
            int[] pred = ints(p.prediction());
            total.add(truth, pred);
            ImageScore score = ImageScore.of(p.id(), truth, 0, pred, 0, truth.length, CLASSES.numClasses(), IGNORE);
            scores.add(score);
            partitions.get(i % 3).offer(new WorstExamples.Example(score, p.image(), ImageCodec.encodeGreyPng(W, H, p.truth()),
                    ImageCodec.encodeGreyPng(W, H, p.prediction())));
        }
        WorstExamples merged = new WorstExamples(EXAMPLES);
        partitions.forEach(merged::merge);
        Path out = tmp.resolve("report");
        EvalResult result = new EvalResult("file:/models/unet", "file:/data/synthetic", "val", out.toUri().toString(),
                CLASSES, pairs.size(), 0, List.of(), SegmentationMetrics.of(total, CLASSES), total, InferenceConfig.DEFAULT,
                Normalization.UNIT, 3, 1.5, pairs.size() / 1.5, 0.4, 0, 0.4 / pairs.size(), 0, "2024-01-01T00:00:00Z", 1.0,
                Map.of(), registry,
                version);
        FileSystem fs = FileSystem.getLocal(new Configuration());
        EvalReport.write(fs, new org.apache.hadoop.fs.Path(out.toUri()), result, scores, merged.worstFirst(), training,
                false);
        return out;
    }

    private static ModelDirectory.Info training() {
        return ModelFixtures.info(EvalFixtures.tinySpec(4, 3), CLASSES);
    }

    private static int[] ints(byte[] b) {
        int[] v = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            v[i] = b[i] & 0xFF;
        }
        return v;
    }

    /** mIoU and pixel accuracy of one image, computed class by class, without ImageScore. */
    private static double[] recompute(byte[] truth, byte[] prediction) {
        return OwnImageScore.of(truth, prediction, CLASSES.numClasses(), IGNORE);
    }

    private static Document parse(Path report) throws IOException {
        Parser parser = Parser.htmlParser().setTrackErrors(100);
        Document doc = Jsoup.parse(Files.readString(report.resolve(EvalReport.HTML), StandardCharsets.UTF_8), "", parser);
        assertEquals(List.of(), parser.getErrors().stream().map(Object::toString).toList(), "HTML parse errors");
        return doc;
    }

    @Test
    void theHtmlParsesAndEveryFileItReferencesIsInTheReportFolder() throws IOException {
        Path report = writeReport(training(), null, null);
        Document doc = parse(report);
        Set<String> referenced = new TreeSet<>();
        for (Element e : doc.select("[src], [href]")) {
            String ref = e.hasAttr("src") ? e.attr("src") : e.attr("href");
            if (ref.startsWith("#")) {
                assertNotNull(doc.getElementById(ref.substring(1)), "anchor " + ref);
                continue;
            }
            assertFalse(ref.contains(":") || ref.startsWith("/") || ref.contains(".."), "a relative link: " + ref);
            assertTrue(Files.isRegularFile(report.resolve(ref)), "referenced file exists: " + ref);
            referenced.add(ref);
        }
        List<String> expected = new ArrayList<>(List.of(EvalReport.JSON, EvalReport.PER_IMAGE, EvalReport.HEAT_MAP,
                TrainingSection.LOSS_CHART, TrainingSection.MIOU_CHART));
        for (int i = 0; i < EXAMPLES; i++) {
            for (String panel : List.of("image", "truth", "prediction", "errors")) {
                expected.add("examples/" + i + "-" + panel + ".png");
            }
        }
        assertEquals(new TreeSet<>(expected), referenced);
        for (Element img : doc.select("img")) {
            assertFalse(img.attr("alt").isBlank(), "every image has alt text: " + img.attr("src"));
        }
        assertEquals("segpipe evaluation: unet on synthetic/val", doc.title());
    }

    @Test
    void examplesAreTheWorstImagesByTheirOwnMeanIouAscendingWithTiesById() throws IOException {
        Path report = writeReport(training(), null, null);
        Document doc = parse(report);
        List<Element> figures = doc.select("figure.example");
        assertEquals(EXAMPLES, figures.size());

        List<Pair> pairs = fixture();
        Map<String, double[]> own = new HashMap<>();
        for (Pair p : pairs) {
            own.put(p.id(), recompute(p.truth(), p.prediction()));
        }
        List<String> worst = pairs.stream().map(Pair::id)
                .sorted(Comparator.comparingDouble((String id) -> own.get(id)[0]).thenComparing(Comparator.naturalOrder()))
                .limit(EXAMPLES).toList();
        assertEquals(worst, figures.stream().map(f -> f.attr("data-id")).toList());
        assertEquals(List.of("img-04", "img-04b"), worst.subList(0, 2), "the fixture's tie, broken by id");
        assertFalse(worst.contains("img-00"), "the first id is not among the worst");
        double previous = -1;
        for (Element f : figures) {
            double miou = Double.parseDouble(f.attr("data-mean-iou"));
            assertEquals(own.get(f.attr("data-id"))[0], miou, 1e-12);
            assertTrue(miou >= previous, "ascending");
            previous = miou;
            assertTrue(f.selectFirst("figcaption").text().contains(String.format(java.util.Locale.ROOT, "mIoU %.2f%%",
                    miou * 100)), f.selectFirst("figcaption").text());
        }
        String legend = doc.selectFirst("#examples + p + p").text();
        assertTrue(legend.startsWith("Error map:"), legend);
        assertTrue(legend.contains("correct") && legend.contains("wrong") && legend.contains("ignored"), legend);
    }

    @Test
    void theErrorMapShowsCorrectWrongAndIgnoredPixelsInThreeColours() throws Exception {
        Path report = writeReport(training(), null, null);
        Document doc = parse(report);
        Map<String, Pair> byId = new HashMap<>();
        fixture().forEach(p -> byId.put(p.id(), p));
        List<Element> figures = doc.select("figure.example");
        Set<Integer> seen = new TreeSet<>();
        for (int i = 0; i < figures.size(); i++) {
            Pair p = byId.get(figures.get(i).attr("data-id"));
            RasterImage errors = ImageCodec.decodeImage(Files.readAllBytes(report.resolve("examples/" + i + "-errors.png")));
            assertEquals(W, errors.width());
            assertEquals(H, errors.height());
            for (int px = 0; px < W * H; px++) {
                int t = p.truth()[px] & 0xFF;
                int expected = t == IGNORE ? ErrorMap.IGNORED : p.truth()[px] == p.prediction()[px] ? ErrorMap.CORRECT
                        : ErrorMap.WRONG;
                int rgb = (errors.pixels()[3 * px] & 0xFF) << 16 | (errors.pixels()[3 * px + 1] & 0xFF) << 8
                        | errors.pixels()[3 * px + 2] & 0xFF;
                assertEquals(expected, rgb, "pixel " + px + " of " + p.id());
                seen.add(rgb);
            }
        }
        assertEquals(3, seen.size(), "the fixture's worst images have all three kinds of pixel");
    }

    @Test
    void perImageNumbersMatchAnIndependentRecomputation() throws IOException {
        Path report = writeReport(training(), null, null);
        List<String> lines = Files.readAllLines(report.resolve(EvalReport.PER_IMAGE));
        assertEquals(EvalReport.PER_IMAGE_HEADER, lines.get(0));
        List<Pair> pairs = fixture();
        assertEquals(pairs.size() + 1, lines.size(), "one row per image");
        Map<String, Pair> byId = new HashMap<>();
        pairs.forEach(p -> byId.put(p.id(), p));
        double previous = -1;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            Pair p = byId.remove(f[0]);
            assertNotNull(p, "a fixture id once: " + f[0]);
            double[] own = recompute(p.truth(), p.prediction());
            assertEquals(own[0], Double.parseDouble(f[1]), 1e-6, "mIoU of " + f[0]);
            assertEquals(own[1], Double.parseDouble(f[2]), 1e-6, "pixel accuracy of " + f[0]);
            long ignored = 0;
            for (byte b : p.truth()) {
                ignored += (b & 0xFF) == IGNORE ? 1 : 0;
            }
            assertEquals(W * H - ignored, Long.parseLong(f[3]));
            assertEquals(ignored, Long.parseLong(f[4]));
            assertTrue(Double.parseDouble(f[1]) >= previous, "worst first");
            previous = Double.parseDouble(f[1]);
        }
        assertTrue(byId.isEmpty());
        // the page's spread: the median image mIoU is the 5th of 10 ascending values (nearest rank)
        double[] sorted = pairs.stream().mapToDouble(p -> recompute(p.truth(), p.prediction())[0]).sorted().toArray();
        Element spread = parse(report).selectFirst("table.spread");
        assertEquals(String.format(java.util.Locale.ROOT, "%.2f%%", sorted[4] * 100),
                spread.select("tbody tr").get(0).select("td").get(2).text());
        assertEquals(String.format(java.util.Locale.ROOT, "%.2f%%", sorted[0] * 100),
                spread.select("tbody tr").get(0).select("td").get(0).text());
    }

    @Test
    void perImageCsvQuotesIdsWithCommasOrQuotesAndWritesNaNForImagesWithoutAScore() throws IOException {
        java.io.StringWriter out = new java.io.StringWriter();
        EvalReport.writePerImageCsv(List.of(new ImageScore("plain", 0.25, 0.5, 10, 2, 3),
                new ImageScore("a,b\"c", 0.125, 1, 4, 0, 1), new ImageScore("void", Double.NaN, Double.NaN, 0, 9, 0)), out);
        assertEquals(EvalReport.PER_IMAGE_HEADER + "\nplain,0.250000,0.500000,10,2,3\n\"a,b\"\"c\",0.125000,1.000000,4,0,1\n"
                + "void,NaN,NaN,0,9,0\n", out.toString());
    }

    @Test
    void theTrainingSectionEmbedsTheCurvesAndTheProvenance() throws IOException {
        ModelDirectory.Info info = training();
        Path report = writeReport(info, "file:/registry/camvid", 3);
        Document doc = parse(report);
        Element section = doc.getElementById("training");
        assertNotNull(section);
        for (String chart : List.of(TrainingSection.LOSS_CHART, TrainingSection.MIOU_CHART)) {
            Element img = doc.selectFirst(".charts img[src=" + chart + "]");
            assertNotNull(img, chart);
            var png = javax.imageio.ImageIO.read(report.resolve(chart).toFile());
            assertEquals(TrainingSection.CHART_WIDTH, png.getWidth());
        }
        Map<String, String> rows = new HashMap<>();
        for (Element tr : doc.select("table.prov tr")) {
            rows.put(tr.selectFirst("th").text(), tr.selectFirst("td").text());
        }
        assertEquals(info.provenance().data().dataManifestSha256(), rows.get("data manifest SHA-256"));
        assertEquals("file:/data", rows.get("training data"));
        assertEquals("file:/registry/camvid version v000003", rows.get("registry"));
        assertTrue(rows.get("spec").startsWith("UNET, 4 classes, 3-channel input"), rows.get("spec"));
        assertEquals("seed 7, PARAMETER_AVERAGING, 2 epochs; model from epoch 2 (val mIoU 50.00%)", rows.get("training"));
        assertEquals("workers 2", rows.get("training master"));
        assertEquals("segpipe test, DL4J 1.0.0-M2.1, Spark 3.5.7, Java 17", rows.get("versions"));
        assertEquals("epochs 2", rows.get("training settings"));
        assertTrue(doc.select("details pre").get(0).text().contains("\"epochs\" : 2"));
    }

    @Test
    void withoutATrainingRecordTheSectionSaysSoAndDrawsNoCharts() throws IOException {
        Path report = writeReport(null, null, null);
        Document doc = parse(report);
        assertTrue(doc.getElementById("training").nextElementSibling().text().contains("could not be read again"));
        assertFalse(Files.exists(report.resolve(TrainingSection.LOSS_CHART)));
        assertTrue(doc.select("table.prov").isEmpty());
    }

    @Test
    void tablesAndPreformattedTextScrollInsideTheirBoxAndImagesShrinkToThePage() throws IOException {
        Document doc = parse(writeReport(training(), null, null));
        for (Element table : doc.select("table")) {
            assertTrue(table.parent().is("div.scroll"), "table ." + table.className() + " scrolls in a div.scroll");
        }
        String css = doc.selectFirst("style").data().replaceAll("\\s+", "");
        assertTrue(css.contains(".scroll{overflow-x:auto;max-width:100%}"), css);
        assertTrue(css.contains("img{max-width:100%;height:auto}"), css);
        assertTrue(css.contains("pre{overflow-x:auto;max-width:100%"), css);
        assertTrue(css.contains("overflow-wrap:anywhere"), "long paths and hashes wrap");
        assertTrue(doc.select("[style*=width]").stream().allMatch(e -> e.attr("style").matches("width:[0-9.]+%")),
                "no fixed widths in inline styles");
        assertTrue(doc.selectFirst("meta[name=viewport]") != null);
    }
}
