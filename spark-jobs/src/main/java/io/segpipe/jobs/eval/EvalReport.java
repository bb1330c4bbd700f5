package io.segpipe.jobs.eval;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import io.segpipe.jobs.infer.BadImage;
import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.infer.LabelColours;
import io.segpipe.jobs.registry.ModelRegistry;
import io.segpipe.prep.InvalidInputException;
import io.segpipe.prep.Json;
import io.segpipe.prep.codec.BadInputException;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.codec.LabelRaster;
import io.segpipe.prep.codec.RasterImage;
import io.segpipe.prep.fs.AtomicFs;
import io.segpipe.prep.fs.CompletionMarker;
import io.segpipe.prep.fs.HadoopFiles;
import io.segpipe.prep.schema.ClassTable;

/**
 * The evaluation report, a directory written atomically (staged, then published with
 * {@link AtomicFs#publishDirectory}) on any Hadoop file system:
 * <ul>
 *   <li>{@value #JSON}: the whole {@link EvalResult}: every metric, per-class counts and the matrix;</li>
 *   <li>{@value #HTML}: summary, per-class table, heat map and overlay examples (self-contained
 *       apart from the PNGs beside it; no scripts, no external resources);</li>
 *   <li>{@value #HEAT_MAP}: the row-normalised confusion matrix;</li>
 *   <li>{@code examples/<n>-{image,truth,prediction,overlay}.png}: image, ground truth and
 *       prediction in the class colours, and the prediction blended over the image;</li>
 *   <li>{@value CompletionMarker#FILE_NAME}: the {@link CompletionMarker}, written last, with the
 *       counts and what was evaluated. A reader uses a report only with it ({@link #read}).</li>
 * </ul>
 */
public final class EvalReport {

    public static final String JSON = "report.json";
    public static final String HTML = "index.html";
    public static final String HEAT_MAP = "confusion.png";
    static final String EXAMPLES = "examples";
    /** The kind its {@link CompletionMarker} names. */
    public static final String MARKER_KIND = "eval-report";

    private EvalReport() {
    }

    /** Writes the report of {@code result} to {@code output}. */
    static void write(FileSystem fs, Path output, EvalResult result, List<EvalPartial.Example> examples, boolean overwrite)
            throws IOException {
        Path staging = AtomicFs.tempSibling(output);
        boolean published = false;
        try {
            fs.mkdirs(staging);
            AtomicFs.writeString(fs, new Path(staging, JSON), Json.write(result), false);
            List<String> names = List.of(result.classes().names());
            byte[] heat = HeatMap.png(result.confusionMatrix(), names);
            AtomicFs.writeFile(fs, new Path(staging, HEAT_MAP), false, out -> out.write(heat));
            List<EvalPartial.Example> sorted = new ArrayList<>(examples);
            sorted.sort(Comparator.comparing(EvalPartial.Example::id));
            List<String> exampleRows = new ArrayList<>();
            LabelColours colours = new LabelColours(result.classes());
            for (int i = 0; i < sorted.size(); i++) {
                exampleRows.add(writeExample(fs, staging, i, sorted.get(i), colours, result.classes()));
            }
            AtomicFs.writeString(fs, new Path(staging, HTML), html(result, exampleRows), false);
            marker(result).write(fs, staging);
            AtomicFs.publishDirectory(fs, staging, output, overwrite);
            published = true;
        } finally {
            if (!published) {
                AtomicFs.deleteAfterFailure(fs, staging);
            }
        }
    }

    /**
     * The result a complete report at {@code dir} holds.
     *
     * @throws io.segpipe.prep.InvalidInputException naming the directory and what to do when it has no completion
     *     marker (being written, or its run failed), or its {@value #JSON} is not an evaluation result
     */
    public static EvalResult read(FileSystem fs, Path dir) throws IOException {
        CompletionMarker.require(fs, dir, "evaluation report", "run segpipe eval again, or point at a complete report");
        Path json = new Path(dir, JSON);
        try {
            return Json.read(HadoopFiles.readString(fs, json), EvalResult.class);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(fs.makeQualified(json) + ": " + e.getMessage(), e);
        }
    }

    /** The report's completion marker: the counts and what was evaluated. */
    static CompletionMarker marker(EvalResult result) {
        return CompletionMarker.of(MARKER_KIND, CompletionMarker.newRunId(), Instant.now(),
                Map.of("images", result.images(), "badImages", result.badImages()),
                Map.of("model", result.model(), "data", result.data(), "split", result.split()));
    }

    private static String writeExample(FileSystem fs, Path dir, int index, EvalPartial.Example ex, LabelColours colours,
                                       ClassTable classes) throws IOException {
        RasterImage image;
        LabelRaster truth;
        LabelRaster prediction;
        try {
            image = ImageCodec.decodeImage(ex.image());
            truth = ImageCodec.decodeLabel(ex.truth());
            prediction = ImageCodec.decodeLabel(ex.prediction());
        } catch (BadInputException e) {
            throw new IllegalStateException("example " + ex.id() + " does not decode: " + e.reason(), e);
        }
        String prefix = EXAMPLES + "/" + index + "-";
        int w = image.width();
        int h = image.height();
        int ignore = classes.ignore().orElse(-1);
        write(fs, dir, prefix + "image.png", ImageCodec.encodePng(image));
        write(fs, dir, prefix + "truth.png", ImageCodec.encodePng(colours.render(truth.data(), w, h)));
        write(fs, dir, prefix + "prediction.png", ImageCodec.encodePng(colours.render(prediction.data(), w, h)));
        write(fs, dir, prefix + "overlay.png", ImageCodec.encodePng(colours.overlay(image, prediction.data(), 0.5, -1)));
        // pixel accuracy of this image, ignore excluded
        long correct = 0;
        long counted = 0;
        for (int i = 0; i < truth.data().length; i++) {
            int t = truth.data()[i] & 0xFF;
            if (t == ignore) {
                continue;
            }
            counted++;
            if (t == (prediction.data()[i] & 0xFF)) {
                correct++;
            }
        }
        String acc = counted == 0 ? "n/a" : pct((double) correct / counted);
        StringBuilder row = new StringBuilder("<figure class=\"example\"><figcaption><code>").append(esc(ex.id()))
                .append("</code> &middot; ").append(w).append("&times;").append(h).append(" &middot; pixel accuracy ")
                .append(acc).append("</figcaption><div class=\"panels\">");
        for (String[] panel : new String[][] {{"image", "image"}, {"truth", "ground truth"}, {"prediction", "prediction"},
            {"overlay", "prediction over image"}}) {
            row.append("<div><img src=\"").append(prefix).append(panel[0]).append(".png\" alt=\"").append(panel[1])
                    .append(" of ").append(esc(ex.id())).append("\"><span>").append(panel[1]).append("</span></div>");
        }
        return row.append("</div></figure>").toString();
    }

    private static void write(FileSystem fs, Path dir, String name, byte[] bytes) throws IOException {
        AtomicFs.writeFile(fs, new Path(dir, name), false, out -> out.write(bytes));
    }

    static String html(EvalResult r, List<String> exampleRows) {
        SegmentationMetrics m = r.metrics();
        ClassTable classes = r.classes();
        StringBuilder s = new StringBuilder(16384);
        s.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>segpipe evaluation: ").append(esc(shortName(r.model()))).append(" on ")
                .append(esc(shortName(r.data()))).append('/').append(esc(r.split())).append("</title>\n<style>")
                .append(CSS).append("</style></head><body>\n");
        s.append("<h1>Evaluation of <code>").append(esc(shortName(r.model()))).append("</code> on <code>")
                .append(esc(shortName(r.data()))).append("</code> / ").append(esc(r.split())).append("</h1>\n");
        s.append("<p class=\"meta\">model <code>").append(esc(r.model())).append("</code>");
        if (r.registry() != null) {
            s.append(" (registry <code>").append(esc(r.registry())).append("</code> version ")
                    .append(esc(ModelRegistry.versionName(r.registryVersion()))).append(")");
        }
        s.append("<br>data <code>").append(esc(r.data())).append("</code><br>").append(esc(r.createdAt()))
                .append(" &middot; ").append(esc(mode(r.inference())))
                .append(r.inputScale() == 1.0 ? "" : " &middot; input scale " + r.inputScale()).append("</p>\n");

        s.append("<section class=\"cards\">");
        card(s, "mIoU", pct(m.meanIoU()));
        card(s, "pixel accuracy", pct(m.pixelAccuracy()));
        card(s, "mean class accuracy", pct(m.meanClassAccuracy()));
        card(s, "frequency-weighted IoU", pct(m.frequencyWeightedIoU()));
        card(s, "mean Dice / F1", pct(m.meanDice()));
        s.append("</section>\n");

        s.append("<table class=\"summary\"><tbody>");
        kv(s, "images evaluated", String.format(Locale.ROOT, "%,d", r.images()));
        kv(s, "images skipped (unusable)", String.format(Locale.ROOT, "%,d", r.badImages()));
        kv(s, "pixels counted", String.format(Locale.ROOT, "%,d", m.totalPixels()));
        kv(s, "pixels ignored" + (classes.ignoreLabel() == null ? "" : " (label " + classes.ignoreLabel() + ", "
                + esc(classes.ignoreName()) + ")"), String.format(Locale.ROOT, "%,d", m.ignoredPixels()));
        kv(s, "classes", String.valueOf(m.numClasses()));
        kv(s, "wall time", String.format(Locale.ROOT, "%.1f s (%.2f images/s, %d partitions)", r.seconds(),
                r.imagesPerSecond(), r.partitions()));
        s.append("</tbody></table>\n");
        if (!m.absentClasses().isEmpty()) {
            s.append("<p class=\"note\"><strong>Absent classes:</strong> ").append(esc(String.join(", ", m.absentClassNames())))
                    .append(" occur in neither ground truth nor prediction; their IoU and Dice are undefined (NaN) and "
                            + "left out of every mean.</p>\n");
        }
        long noTruth = m.perClass().stream().filter(c -> c.support() == 0 && !c.absent()).count();
        if (noTruth > 0) {
            s.append("<p class=\"note\">").append(noTruth).append(" class(es) are predicted but absent from the ground "
                    + "truth: IoU 0 (counted in mIoU), accuracy undefined (left out of mean class accuracy).</p>\n");
        }

        s.append("<h2>Per class</h2>\n<table class=\"classes\"><thead><tr><th></th><th>id</th><th>class</th>")
                .append("<th>ground-truth pixels</th><th>share</th><th>predicted pixels</th><th>IoU</th><th>Dice / F1</th>")
                .append("<th>accuracy (recall)</th><th>precision</th></tr></thead><tbody>");
        for (SegmentationMetrics.ClassMetrics c : m.perClass()) {
            int rgb = classes.classes().get(c.id()).colour().packed();
            s.append("<tr").append(c.absent() ? " class=\"absent\"" : "").append("><td><span class=\"swatch\" style=\"background:#")
                    .append(String.format(Locale.ROOT, "%06x", rgb)).append("\"></span></td><td>").append(c.id())
                    .append("</td><td>").append(esc(c.name())).append("</td><td class=\"n\">")
                    .append(String.format(Locale.ROOT, "%,d", c.support())).append("</td><td class=\"n\">")
                    .append(m.totalPixels() == 0 ? "n/a" : pct((double) c.support() / m.totalPixels()))
                    .append("</td><td class=\"n\">").append(String.format(Locale.ROOT, "%,d", c.predicted()))
                    .append("</td><td class=\"bar\">").append(bar(c.iou())).append("</td><td class=\"n\">")
                    .append(pct(c.dice())).append("</td><td class=\"n\">").append(pct(c.accuracy()))
                    .append("</td><td class=\"n\">").append(pct(c.precision())).append("</td></tr>");
        }
        s.append("</tbody><tfoot><tr><td></td><td></td><td>mean</td><td class=\"n\">")
                .append(String.format(Locale.ROOT, "%,d", m.totalPixels())).append("</td><td></td><td></td><td class=\"bar\">")
                .append(bar(m.meanIoU())).append("</td><td class=\"n\">").append(pct(m.meanDice()))
                .append("</td><td class=\"n\">").append(pct(m.meanClassAccuracy())).append("</td><td></td></tr></tfoot></table>\n");
        s.append("<p class=\"small\">n/a: undefined (0/0): IoU and Dice for a class in neither truth nor prediction, "
                + "accuracy for a class not in the truth, precision for a class never predicted. Means leave them out.</p>\n");

        s.append("<h2>Confusion matrix (row-normalised)</h2>\n<p class=\"small\">Row = ground truth, column = prediction; "
                + "a cell is the share of the true class's pixels. Raw counts are in <a href=\"" + JSON + "\">" + JSON
                + "</a>.</p>\n<img class=\"heat\" src=\"" + HEAT_MAP + "\" alt=\"row-normalised confusion matrix\">\n");

        if (!exampleRows.isEmpty()) {
            s.append("<h2>Examples</h2>\n<p class=\"small\">The first ").append(exampleRows.size())
                    .append(" images by id. Colours:");
            for (var c : classes.classes()) {
                s.append(" <span class=\"legend\"><span class=\"swatch\" style=\"background:#")
                        .append(String.format(Locale.ROOT, "%06x", c.colour().packed())).append("\"></span>")
                        .append(esc(c.name())).append("</span>");
            }
            if (classes.ignoreLabel() != null) {
                int ig = classes.ignoreColour() == null ? 0 : classes.ignoreColour().packed();
                s.append(" <span class=\"legend\"><span class=\"swatch\" style=\"background:#")
                        .append(String.format(Locale.ROOT, "%06x", ig)).append("\"></span>").append(esc(classes.ignoreName()))
                        .append(" (ignored)</span>");
            }
            s.append("</p>\n");
            for (String row : exampleRows) {
                s.append(row).append('\n');
            }
        }
        if (r.badImages() > 0) {
            s.append("<h2>Skipped images (").append(r.badImages()).append(")</h2>\n<table class=\"bad\"><thead><tr><th>id</th>")
                    .append("<th>reason</th></tr></thead><tbody>");
            for (BadImage b : r.bad()) {
                s.append("<tr><td><code>").append(esc(b.id())).append("</code></td><td>").append(esc(b.reason()))
                        .append("</td></tr>");
            }
            s.append("</tbody></table>\n");
            if (r.bad().size() < r.badImages()) {
                s.append("<p class=\"small\">").append(r.badImages() - r.bad().size()).append(" more not listed.</p>\n");
            }
        }
        s.append("<footer>segpipe eval &middot; all numbers from one confusion matrix of ")
                .append(String.format(Locale.ROOT, "%,d", m.totalPixels())).append(" pixels</footer>\n</body></html>\n");
        return s.toString();
    }

    static String mode(InferenceConfig c) {
        return c.describe();
    }

    private static void card(StringBuilder s, String label, String value) {
        s.append("<div class=\"card\"><div class=\"v\">").append(value).append("</div><div class=\"l\">").append(esc(label))
                .append("</div></div>");
    }

    private static void kv(StringBuilder s, String k, String v) {
        s.append("<tr><th>").append(k).append("</th><td>").append(v).append("</td></tr>");
    }

    private static String bar(double v) {
        if (Double.isNaN(v)) {
            return "<span class=\"na\">n/a</span>";
        }
        return String.format(Locale.ROOT, "<div class=\"b\"><div style=\"width:%.1f%%\"></div></div><span>%s</span>",
                v * 100, pct(v));
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "<span class=\"na\">n/a</span>" : String.format(Locale.ROOT, "%.2f%%", v * 100);
    }

    private static String shortName(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        int i = p.lastIndexOf('/');
        return i < 0 ? p : p.substring(i + 1);
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1b1f24;\
            max-width:1180px;margin:24px auto;padding:0 20px;background:#fff}
            h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e3e6ea;padding-bottom:4px}
            code{font:12.5px/1.3 "DejaVu Sans Mono",Menlo,Consolas,monospace;background:#f3f4f6;padding:1px 4px;border-radius:3px}
            .meta{color:#57606a;font-size:12.5px;margin:0 0 14px}
            .cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
            .card{border:1px solid #d8dee4;border-radius:8px;padding:10px 16px;min-width:150px;background:#f8fafc}
            .card .v{font-size:24px;font-weight:600;color:#0b4f8a}.card .l{color:#57606a;font-size:12.5px}
            table{border-collapse:collapse;margin:8px 0}th,td{padding:4px 10px;text-align:left}
            .summary th{font-weight:normal;color:#57606a}
            .classes thead th{border-bottom:2px solid #d0d7de;font-size:12.5px;color:#57606a;vertical-align:bottom}
            .classes td{border-bottom:1px solid #eef0f2}.classes tfoot td{font-weight:600;border-top:2px solid #d0d7de}
            .classes tr.absent td{color:#8c959f;font-style:italic}
            td.n{text-align:right;font-variant-numeric:tabular-nums}
            td.bar{min-width:170px;white-space:nowrap}
            .b{display:inline-block;width:90px;height:10px;background:#eef0f2;border-radius:2px;margin-right:8px;vertical-align:middle}
            .b div{height:10px;background:#2f73b8;border-radius:2px}
            .swatch{display:inline-block;width:14px;height:14px;border:1px solid #8c959f;border-radius:2px;vertical-align:middle}
            .legend{white-space:nowrap;margin-right:8px}.legend .swatch{margin-right:4px}
            .na{color:#8c959f}.note{background:#fff8c5;border:1px solid #e9d88a;padding:6px 10px;border-radius:6px}
            .small{color:#57606a;font-size:12.5px}
            img.heat{max-width:100%;border:1px solid #e3e6ea}
            .example{margin:14px 0}.example figcaption{font-size:12.5px;color:#57606a;margin-bottom:4px}
            .panels{display:grid;grid-template-columns:repeat(4,1fr);gap:6px}
            .panels div{text-align:center;font-size:12px;color:#57606a}
            .panels img{width:100%;height:auto;image-rendering:pixelated;border:1px solid #e3e6ea;display:block}
            .bad td{border-bottom:1px solid #eef0f2;font-size:12.5px}
            footer{margin:30px 0 10px;color:#8c959f;font-size:12px}
            """;
}
