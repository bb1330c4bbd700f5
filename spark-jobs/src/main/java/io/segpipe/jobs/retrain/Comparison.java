package io.segpipe.jobs.retrain;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.jobs.eval.EvalReport;
import io.segpipe.jobs.eval.EvalResult;
import io.segpipe.jobs.eval.ImageScore;
import io.segpipe.jobs.eval.SegmentationMetrics;
import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.infer.JobModel;
import io.segpipe.jobs.infer.LabelColours;
import io.segpipe.jobs.infer.ModelBroadcast;
import io.segpipe.prep.codec.BadInputException;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.codec.LabelRaster;
import io.segpipe.prep.codec.RasterImage;
import io.segpipe.prep.fs.AtomicFs;
import io.segpipe.prep.progress.JobDescription;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.ShardSchema;

/**
 * The champion-versus-challenger page of a retraining run, {@code reports/<run>/comparison/}
 * beside the two evaluation reports it compares (its path goes into the run's history record):
 * <ul>
 *   <li>{@value #HTML}: the decision and its reason; every metric of both models side by side with
 *       the gain (challenger − champion); the per-class IoU of both with the regression (champion −
 *       challenger, what the per-class guard compares), sorted worst regression first; and the images
 *       where the two disagree most, each with image, ground truth, champion's and challenger's
 *       prediction in the class colours;</li>
 *   <li>{@code examples/<rank>-{image,truth,champion,challenger}.png}: those images, from rank 0.</li>
 * </ul>
 * Written atomically: staged beside, then published with {@link AtomicFs#publishDirectory}.
 *
 * <p><b>Which images.</b> Disagreement is the absolute difference of the image's own mIoU
 * ({@link ImageScore}) in the two reports' {@value EvalReport#PER_IMAGE}, joined on id (ties by
 * id; images undefined in either report are left out). The alternative, the fraction of pixels
 * whose predicted class differs, would need a third pass over the whole split running both models
 * side by side (or evaluation keeping every prediction), about the cost of both evaluations again;
 * the mIoU gap is already computed, and the page shows the pixel fraction for the images it picks
 * (computed from the two predictions it draws). The mIoU gap misses images where both models are
 * equally wrong in different places; it finds those where one model is much better than the other,
 * which is what a promotion decision is about.
 *
 * <p><b>Pictures without collecting the split.</b> Only the chosen ids' rows are read: the split is
 * filtered by id, each model is broadcast and predicts those rows on the executors
 * ({@link ComparisonPredictor}, the loop evaluation uses, with the settings each model's training
 * recorded), and only those images' bytes reach the driver.
 */
final class Comparison {

    private static final Logger LOG = LoggerFactory.getLogger(Comparison.class);

    static final String DIR = "comparison";
    static final String HTML = "index.html";
    static final String EXAMPLES = "examples";

    private Comparison() {
    }

    /** One side of the comparison: its model and evaluation report. */
    record Side(String name, String model, EvalResult result, Path report) {
    }

    /**
     * One image of both reports.
     *
     * @param id         sample id
     * @param champion   its score in the champion's report
     * @param challenger its score in the challenger's report
     */
    record Disagreement(String id, ImageScore champion, ImageScore challenger) {
        /** {@code |champion mIoU − challenger mIoU|}. */
        double gap() {
            return Math.abs(champion.meanIoU() - challenger.meanIoU());
        }
    }

    /**
     * The {@code limit} images whose own mIoU differs most between the two reports, largest gap
     * first, ties by id; images missing from either or undefined in either are left out.
     */
    static List<Disagreement> mostDisagreeing(List<ImageScore> champion, List<ImageScore> challenger, int limit) {
        Map<String, ImageScore> byId = new HashMap<>();
        for (ImageScore s : champion) {
            byId.put(s.id(), s);
        }
        List<Disagreement> joined = new ArrayList<>();
        for (ImageScore s : challenger) {
            ImageScore c = byId.get(s.id());
            if (c != null && c.defined() && s.defined() && !Double.isNaN(c.meanIoU()) && !Double.isNaN(s.meanIoU())) {
                joined.add(new Disagreement(s.id(), c, s));
            }
        }
        joined.sort(Comparator.comparingDouble(Disagreement::gap).reversed().thenComparing(Disagreement::id));
        return List.copyOf(joined.subList(0, Math.min(limit, joined.size())));
    }

    /**
     * The per-class rows, worst regression (champion − challenger) first; classes whose regression
     * is undefined (IoU NaN in either) last, by id.
     */
    static List<PromotionPolicy.ClassIoU> byRegression(SegmentationMetrics champion, SegmentationMetrics challenger) {
        List<PromotionPolicy.ClassIoU> rows = new ArrayList<>(PromotionPolicy.ClassIoU.of(champion, challenger));
        rows.sort((a, b) -> {
            boolean an = Double.isNaN(a.regression());
            boolean bn = Double.isNaN(b.regression());
            if (an != bn) {
                return an ? 1 : -1;
            }
            int c = an ? 0 : Double.compare(b.regression(), a.regression());
            return c != 0 ? c : Integer.compare(a.id(), b.id());
        });
        return rows;
    }

    /**
     * Writes the page to {@code output} and returns the path of its {@value #HTML}.
     *
     * @param data      the prepared dataset both were evaluated on
     * @param split     the evaluated split
     * @param inference the run's inference configuration, or null for each model's recorded one
     * @param examples  how many images to show, >= 0
     */
    static Path write(SparkSession spark, String data, String split, InferenceConfig inference, Side champion,
                      Side challenger, PromotionPolicy policy, PromotionPolicy.Decision decision, String runId,
                      int examples, FileSystem fs, Path output) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        List<Disagreement> shown = mostDisagreeing(EvalReport.readPerImage(fs, champion.report()),
                EvalReport.readPerImage(fs, challenger.report()), examples);
        Map<String, ComparisonPredictor.Predicted> championPictures = Map.of();
        Map<String, ComparisonPredictor.Predicted> challengerPictures = Map.of();
        if (!shown.isEmpty()) {
            PreppedDataset dataset = PreppedDataset.open(spark, data);
            Dataset<Row> rows = dataset.rows(split).filter(functions.col(ShardSchema.ID)
                    .isin(shown.stream().map(Disagreement::id).toArray()));
            ClassTable classes = dataset.manifest().classTable();
            championPictures = predict(spark, champion.model(), inference, rows, classes, hadoop);
            challengerPictures = predict(spark, challenger.model(), inference, rows, classes, hadoop);
        }
        ClassTable classes = challenger.result().classes();
        LabelColours colours = new LabelColours(classes);
        Path staging = AtomicFs.tempSibling(output);
        boolean published = false;
        try {
            fs.mkdirs(staging);
            List<String> figures = new ArrayList<>();
            for (int i = 0; i < shown.size(); i++) {
                Disagreement d = shown.get(i);
                figures.add(writeExample(fs, staging, i, d, championPictures.get(d.id()), challengerPictures.get(d.id()),
                        colours, classes, champion.name()));
            }
            AtomicFs.writeString(fs, new Path(staging, HTML), html(champion, challenger, policy, decision, runId,
                    byRegression(champion.result().metrics(), challenger.result().metrics()), figures), false);
            AtomicFs.publishDirectory(fs, staging, output, true);
            published = true;
        } finally {
            if (!published) {
                AtomicFs.deleteAfterFailure(fs, staging);
            }
        }
        Path page = new Path(output, HTML);
        LOG.info("Comparison of champion {} and the challenger of run {}: {}", champion.name(), runId, page);
        return page;
    }

    /** The shown rows predicted by {@code model} on the executors, by id. */
    private static Map<String, ComparisonPredictor.Predicted> predict(SparkSession spark, String model,
                                                                      InferenceConfig inference, Dataset<Row> rows,
                                                                      ClassTable classes, Configuration hadoop)
            throws IOException {
        JobModel opened = JobModel.open(model, null, null, inference, hadoop);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ModelBroadcast broadcast = ModelBroadcast.of(sc, opened.model());
        try (JobDescription described = JobDescription.set(spark.sparkContext(),
                "segpipe retrain: comparison pictures of " + model)) {
            ComparisonPredictor predictor = new ComparisonPredictor(broadcast, opened.settings(), classes,
                    ModelBroadcast.threadsPerTask(spark));
            Map<String, ComparisonPredictor.Predicted> out = new HashMap<>();
            for (ComparisonPredictor.Predicted p : rows.javaRDD().mapPartitions(predictor::predict).collect()) {
                out.put(p.id(), p);
            }
            return out;
        } finally {
            broadcast.destroy();
        }
    }

    private static String writeExample(FileSystem fs, Path dir, int index, Disagreement d,
                                       ComparisonPredictor.Predicted champion, ComparisonPredictor.Predicted challenger,
                                       LabelColours colours, ClassTable classes, String championName)
            throws IOException {
        if (champion == null || challenger == null) {
            throw new IllegalStateException("image " + d.id() + " of both evaluation reports is not in the split "
                    + "any more; was the dataset changed during the run?");
        }
        RasterImage image;
        LabelRaster truth;
        LabelRaster a;
        LabelRaster b;
        try {
            image = ImageCodec.decodeImage(champion.image());
            truth = ImageCodec.decodeLabel(champion.truth());
            a = ImageCodec.decodeLabel(champion.prediction());
            b = ImageCodec.decodeLabel(challenger.prediction());
        } catch (BadInputException e) {
            throw new IllegalStateException("image " + d.id() + " does not decode: " + e.reason(), e);
        }
        int w = image.width();
        int h = image.height();
        double differ = differingFraction(truth.data(), a.data(), b.data(), classes.ignore().orElse(-1));
        String prefix = EXAMPLES + "/" + index + "-";
        write(fs, dir, prefix + "image.png", ImageCodec.encodePng(image));
        write(fs, dir, prefix + "truth.png", colours.indexedPng(truth.data(), w, h));
        write(fs, dir, prefix + "champion.png", colours.indexedPng(a.data(), w, h));
        write(fs, dir, prefix + "challenger.png", colours.indexedPng(b.data(), w, h));
        StringBuilder s = new StringBuilder("<figure class=\"example\" id=\"image-").append(index + 1)
                .append("\" data-id=\"").append(EvalReport.esc(d.id())).append("\" data-gap=\"").append(d.gap())
                .append("\"><figcaption><strong>#").append(index + 1).append("</strong> <code>")
                .append(EvalReport.esc(d.id())).append("</code> &middot; mIoU champion ")
                .append(EvalReport.pct(d.champion().meanIoU())).append(", challenger ")
                .append(EvalReport.pct(d.challenger().meanIoU())).append(" (gap ").append(EvalReport.pct(d.gap()))
                .append(") &middot; predictions differ on ").append(EvalReport.pct(differ))
                .append(" of the counted pixels &middot; ").append(w).append("&times;").append(h)
                .append("</figcaption><div class=\"panels\">");
        for (String[] panel : new String[][] {{"image", "image"}, {"truth", "ground truth"},
            {"champion", "champion " + championName}, {"challenger", "challenger"}}) {
            s.append("<div><img src=\"").append(prefix).append(panel[0]).append(".png\" width=\"").append(w)
                    .append("\" height=\"").append(h).append("\" alt=\"").append(EvalReport.esc(panel[1]))
                    .append(" of ").append(EvalReport.esc(d.id())).append("\"><span>").append(EvalReport.esc(panel[1]))
                    .append("</span></div>");
        }
        return s.append("</div></figure>").toString();
    }

    /** The fraction of pixels not ignored in {@code truth} where the two predictions differ; NaN when none counts. */
    static double differingFraction(byte[] truth, byte[] a, byte[] b, int ignoreLabel) {
        long counted = 0;
        long differ = 0;
        for (int i = 0; i < truth.length; i++) {
            if ((truth[i] & 0xFF) == ignoreLabel) {
                continue;
            }
            counted++;
            if (a[i] != b[i]) {
                differ++;
            }
        }
        return counted == 0 ? Double.NaN : (double) differ / counted;
    }

    private static void write(FileSystem fs, Path dir, String name, byte[] bytes) throws IOException {
        AtomicFs.writeFile(fs, new Path(dir, name), false, out -> out.write(bytes));
    }

    static String html(Side champion, Side challenger, PromotionPolicy policy, PromotionPolicy.Decision decision,
                       String runId, List<PromotionPolicy.ClassIoU> classes, List<String> figures) {
        EvalResult a = champion.result();
        EvalResult b = challenger.result();
        StringBuilder s = new StringBuilder(16384);
        s.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>segpipe retrain ").append(EvalReport.esc(runId)).append(": champion ")
                .append(EvalReport.esc(champion.name())).append(" versus challenger</title>\n<style>")
                .append(EvalReport.CSS).append(CSS).append("</style></head><body>\n");
        s.append("<h1>Champion <code>").append(EvalReport.esc(champion.name()))
                .append("</code> versus the challenger of run <code>").append(EvalReport.esc(runId)).append("</code></h1>\n");
        s.append("<p class=\"meta\">both evaluated on <code>").append(EvalReport.esc(b.data())).append("</code> / ")
                .append(EvalReport.esc(b.split())).append(" (").append(String.format(Locale.ROOT, "%,d", b.images()))
                .append(" images) &middot; reports: <a href=\"../champion/index.html\">champion</a>, ")
                .append("<a href=\"../challenger/index.html\">challenger</a></p>\n");
        s.append("<p class=\"decision ").append(decision.promote() ? "promoted" : "kept").append("\" id=\"decision\"><strong>")
                .append(decision.promote() ? "Promoted" : "Not promoted").append(":</strong> ")
                .append(EvalReport.esc(decision.reason())).append("</p>\n");
        s.append("<p class=\"small\">Rule: ").append(EvalReport.esc(policy.metric().key())).append(" at least ")
                .append(Metric.fmt(policy.margin())).append(" above the champion's")
                .append(policy.floor() == null ? "" : ", at least " + Metric.fmt(policy.floor()))
                .append(policy.maxClassRegression() == null ? "; no per-class guard"
                        : "; no class's IoU more than " + Metric.fmt(policy.maxClassRegression()) + " below the champion's")
                .append(".</p>\n");
        s.append("<nav><a href=\"#metrics\">metrics</a> <a href=\"#classes\">per class</a> ")
                .append("<a href=\"#images\">images they disagree on</a></nav>\n");

        s.append("<h2 id=\"metrics\">Metrics</h2>\n<div class=\"scroll\"><table class=\"classes metrics\"><thead><tr>")
                .append("<th>metric</th><th>champion</th><th>challenger</th><th>gain (challenger − champion)</th>")
                .append("</tr></thead><tbody>");
        for (Metric m : Metric.values()) {
            double ca = m.of(a.metrics());
            double cb = m.of(b.metrics());
            s.append("<tr data-metric=\"").append(m.key()).append("\"").append(m == policy.metric() ? " class=\"decisive\"" : "")
                    .append("><td>").append(m.key()).append("</td><td class=\"n\">").append(EvalReport.pct(ca))
                    .append("</td><td class=\"n\">").append(EvalReport.pct(cb)).append("</td>").append(signed(cb - ca, true))
                    .append("</tr>");
        }
        s.append("</tbody></table></div>\n");

        s.append("<h2 id=\"classes\">Per class</h2>\n<p class=\"small\">IoU of each class; regression = champion − "
                + "challenger (positive: the challenger is worse), worst first. n/a: the class is in neither truth nor "
                + "prediction of one model.</p>\n<div class=\"scroll\"><table class=\"classes deltas\"><thead><tr>")
                .append("<th></th><th>id</th><th>class</th><th>champion IoU</th><th>challenger IoU</th>")
                .append("<th>regression (champion − challenger)</th></tr></thead><tbody>");
        ClassTable table = b.classes();
        for (PromotionPolicy.ClassIoU c : classes) {
            int rgb = table.classes().get(c.id()).colour().packed();
            boolean over = policy.maxClassRegression() != null && c.regression() > policy.maxClassRegression()
                    + PromotionPolicy.EPSILON;
            s.append("<tr data-class=\"").append(EvalReport.esc(c.name())).append("\" data-regression=\"")
                    .append(c.regression()).append("\"").append(over ? " class=\"over\"" : "")
                    .append("><td><span class=\"swatch\" style=\"background:#")
                    .append(String.format(Locale.ROOT, "%06x", rgb)).append("\"></span></td><td>").append(c.id())
                    .append("</td><td>").append(EvalReport.esc(c.name())).append("</td><td class=\"n\">")
                    .append(EvalReport.pct(c.champion())).append("</td><td class=\"n\">")
                    .append(EvalReport.pct(c.challenger())).append("</td>").append(signed(c.regression(), false))
                    .append("</tr>");
        }
        s.append("</tbody></table></div>\n");

        s.append("<h2 id=\"images\">Images they disagree on most</h2>\n<p class=\"small\">");
        if (figures.isEmpty()) {
            s.append("No image to show (none requested, or no image scored in both reports).</p>\n");
        } else {
            s.append("The ").append(figures.size()).append(" images whose own mIoU differs most between the two "
                    + "reports (<code>per_image.csv</code>), largest gap first, ties by id. Class colours:");
            for (var c : table.classes()) {
                s.append(" <span class=\"legend\"><span class=\"swatch\" style=\"background:#")
                        .append(String.format(Locale.ROOT, "%06x", c.colour().packed())).append("\"></span>")
                        .append(EvalReport.esc(c.name())).append("</span>");
            }
            s.append("</p>\n");
            for (String f : figures) {
                s.append(f).append('\n');
            }
        }
        s.append("<footer>segpipe retrain &middot; run ").append(EvalReport.esc(runId)).append("</footer>\n</body></html>\n");
        return s.toString();
    }

    /**
     * A table cell with a signed difference in percentage points, coloured by whether it means the
     * challenger is better.
     *
     * @param positiveIsBetter true for a gain (challenger − champion), false for a regression
     */
    private static String signed(double difference, boolean positiveIsBetter) {
        if (Double.isNaN(difference)) {
            return "<td class=\"n\"><span class=\"na\">n/a</span></td>";
        }
        double gain = positiveIsBetter ? difference : -difference;
        String cls = gain > 0 ? "up" : gain < 0 ? "down" : "same";
        return "<td class=\"n " + cls + "\">" + String.format(Locale.ROOT, "%+.2f pt", difference * 100) + "</td>";
    }

    private static final String CSS = """
            .decision{padding:8px 12px;border-radius:6px;border:1px solid #d0d7de}
            .decision.promoted{background:#e6f4ea;border-color:#9fd3ad}.decision.kept{background:#fff8c5;border-color:#e9d88a}
            td.up{color:#1a7f37}td.down{color:#cf222e}td.same{color:#57606a}
            tr.over td{background:#ffebe9}tr.decisive td{font-weight:600}
            """;
}
