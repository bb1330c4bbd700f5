package io.segpipe.jobs.eval;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import io.segpipe.jobs.infer.BadImage;
import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.infer.LabelColours;
import io.segpipe.jobs.model.ModelDirectory;
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
 *   <li>{@value #PER_IMAGE}: one row per evaluated image, worst first: its mIoU and pixel accuracy
 *       ({@link ImageScore}, which defines them), pixels counted and ignored, classes present;</li>
 *   <li>{@value #HTML}: summary, per-class table, heat map, the spread of the per-image numbers,
 *       the worst examples, the training curves and provenance (self-contained apart from the
 *       files beside it; no scripts, no external resources; readable down to 800 px wide: tables
 *       and code scroll inside their box, images shrink to the page);</li>
 *   <li>{@value #HEAT_MAP}: the row-normalised confusion matrix ({@link HeatMap});</li>
 *   <li>{@code examples/<rank>-{image,truth,prediction,errors}.png}: the images with the lowest
 *       per-image mIoU (ties by id; {@link WorstExamples}), worst first from rank 0: the image, the
 *       ground truth and the prediction in the class colours, and the error map ({@link ErrorMap}:
 *       correct, wrong and ignored pixels);</li>
 *   <li>{@value TrainingSection#LOSS_CHART}, {@value TrainingSection#MIOU_CHART}: the model's
 *       training curves ({@link TrainingSection}), when its model directory could be read;</li>
 *   <li>{@value CompletionMarker#FILE_NAME}: the {@link CompletionMarker}, written last, with the
 *       counts and what was evaluated. A reader uses a report only with it ({@link #read}).</li>
 * </ul>
 */
public final class EvalReport {

    public static final String JSON = "report.json";
    public static final String HTML = "index.html";
    public static final String HEAT_MAP = "confusion.png";
    /** Per-image numbers, one CSV row per evaluated image. */
    public static final String PER_IMAGE = "per_image.csv";
    /** The header of {@value #PER_IMAGE}. */
    static final String PER_IMAGE_HEADER = "id,mean_iou,pixel_accuracy,pixels,ignored_pixels,classes_present";
    static final String EXAMPLES = "examples";
    /** The kind its {@link CompletionMarker} names. */
    public static final String MARKER_KIND = "eval-report";

    private EvalReport() {
    }

    /**
     * Writes the report of {@code result} to {@code output}.
     *
     * @param scores   every evaluated image's score, in any order
     * @param examples the worst images with their pictures, worst first
     * @param training the model directory's record of its training, or null when it could not be read
     */
    static void write(FileSystem fs, Path output, EvalResult result, List<ImageScore> scores,
                      List<WorstExamples.Example> examples, ModelDirectory.Info training, boolean overwrite)
            throws IOException {
        Path staging = AtomicFs.tempSibling(output);
        boolean published = false;
        try {
            fs.mkdirs(staging);
            AtomicFs.writeString(fs, new Path(staging, JSON), Json.write(result), false);
            List<ImageScore> worstFirst = new ArrayList<>(scores);
            worstFirst.sort(ImageScore.WORST_FIRST);
            AtomicFs.writeFile(fs, new Path(staging, PER_IMAGE), false, out -> {
                Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
                writePerImageCsv(worstFirst, w);
                w.flush();
            });
            List<String> names = List.of(result.classes().names());
            byte[] heat = HeatMap.png(result.confusionMatrix(), names);
            AtomicFs.writeFile(fs, new Path(staging, HEAT_MAP), false, out -> out.write(heat));
            List<String> exampleRows = new ArrayList<>();
            LabelColours colours = new LabelColours(result.classes());
            for (int i = 0; i < examples.size(); i++) {
                exampleRows.add(writeExample(fs, staging, i, examples.get(i), colours, result.classes()));
            }
            String trainingHtml = TrainingSection.write(fs, staging, training, result);
            AtomicFs.writeString(fs, new Path(staging, HTML), html(result, worstFirst, exampleRows, trainingHtml), false);
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
     * Writes {@value #PER_IMAGE}: the header, then one row per score in the given order (streamed:
     * no copy of the whole table in memory). Numbers in {@link Locale#ROOT} with 6 decimals,
     * {@code NaN} where undefined; an id with a comma, quote or line break is quoted (RFC 4180).
     */
    static void writePerImageCsv(List<ImageScore> scores, Writer out) throws IOException {
        out.write(PER_IMAGE_HEADER);
        out.write('\n');
        for (ImageScore sc : scores) {
            out.write(csvField(sc.id()) + ',' + num6(sc.meanIoU()) + ',' + num6(sc.pixelAccuracy()) + ',' + sc.pixels() + ','
                    + sc.ignoredPixels() + ',' + sc.classes() + '\n');
        }
    }

    /**
     * The rows of a report's {@value #PER_IMAGE} ({@link #writePerImageCsv}), in file order.
     *
     * @throws InvalidInputException naming the file and line when it is not such a table
     */
    public static List<ImageScore> readPerImage(FileSystem fs, Path reportDir) throws IOException {
        Path file = new Path(reportDir, PER_IMAGE);
        String text = HadoopFiles.readString(fs, file);
        List<ImageScore> out = new ArrayList<>();
        int line = 1;
        int i = text.indexOf('\n');
        if (i < 0 || !text.substring(0, i).equals(PER_IMAGE_HEADER)) {
            throw new InvalidInputException(fs.makeQualified(file) + ": line 1 must be the header " + PER_IMAGE_HEADER);
        }
        i++;
        while (i < text.length()) {
            line++;
            StringBuilder id = new StringBuilder();
            if (text.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= text.length()) {
                        throw new InvalidInputException(fs.makeQualified(file) + ": line " + line + ": unterminated quote");
                    }
                    char c = text.charAt(i++);
                    if (c == '"') {
                        if (i < text.length() && text.charAt(i) == '"') {
                            id.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        id.append(c);
                    }
                }
            } else {
                while (i < text.length() && text.charAt(i) != ',') {
                    id.append(text.charAt(i++));
                }
            }
            int end = text.indexOf('\n', i);
            String rest = text.substring(i, end < 0 ? text.length() : end);
            i = end < 0 ? text.length() : end + 1;
            String[] f = rest.split(",", -1);
            if (f.length != 6 || !f[0].isEmpty()) {
                throw new InvalidInputException(fs.makeQualified(file) + ": line " + line + " has not the columns "
                        + PER_IMAGE_HEADER);
            }
            try {
                out.add(new ImageScore(id.toString(), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        Long.parseLong(f[3]), Long.parseLong(f[4]), Integer.parseInt(f[5])));
            } catch (NumberFormatException e) {
                throw new InvalidInputException(fs.makeQualified(file) + ": line " + line + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static String csvField(String v) {
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }

    private static String num6(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.6f", v);
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

    private static String writeExample(FileSystem fs, Path dir, int index, WorstExamples.Example ex,
                                       LabelColours colours, ClassTable classes) throws IOException {
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
        // label maps as masks (pixel = class id, palette = class colours), like the scoring job's
        write(fs, dir, prefix + "truth.png", colours.indexedPng(truth.data(), w, h));
        write(fs, dir, prefix + "prediction.png", colours.indexedPng(prediction.data(), w, h));
        write(fs, dir, prefix + "errors.png", ImageCodec.encodePng(ErrorMap.render(truth.data(), prediction.data(), w, h,
                ignore)));
        ImageScore sc = ex.score();
        StringBuilder row = new StringBuilder("<figure class=\"example\" id=\"example-").append(index + 1)
                .append("\" data-id=\"").append(esc(ex.id())).append("\" data-mean-iou=\"").append(sc.meanIoU())
                .append("\"><figcaption><strong>#").append(index + 1).append("</strong> <code>").append(esc(ex.id()))
                .append("</code> &middot; mIoU ").append(pct(sc.meanIoU())).append(" &middot; pixel accuracy ")
                .append(pct(sc.pixelAccuracy())).append(" &middot; ").append(sc.classes()).append(" classes present &middot; ")
                .append(w).append("&times;").append(h).append("</figcaption><div class=\"panels\">");
        for (String[] panel : new String[][] {{"image", "image"}, {"truth", "ground truth"}, {"prediction", "prediction"},
            {"errors", "errors"}}) {
            row.append("<div><img src=\"").append(prefix).append(panel[0]).append(".png\" width=\"").append(w)
                    .append("\" height=\"").append(h).append("\" alt=\"").append(panel[1]).append(" of ").append(esc(ex.id()))
                    .append("\"><span>").append(panel[1]).append("</span></div>");
        }
        return row.append("</div></figure>").toString();
    }

    private static void write(FileSystem fs, Path dir, String name, byte[] bytes) throws IOException {
        AtomicFs.writeFile(fs, new Path(dir, name), false, out -> out.write(bytes));
    }

    /**
     * The page.
     *
     * @param worstFirst  every image's score, worst first
     * @param exampleRows the examples' figures, worst first
     * @param training    the training section ({@link TrainingSection})
     */
    static String html(EvalResult r, List<ImageScore> worstFirst, List<String> exampleRows, String training) {
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
        s.append("<nav><a href=\"#classes\">per class</a> <a href=\"#confusion\">confusion matrix</a> ")
                .append("<a href=\"#images\">per image</a>")
                .append(exampleRows.isEmpty() ? "" : " <a href=\"#examples\">worst examples</a>")
                .append(" <a href=\"#training\">training and provenance</a>")
                .append(r.badImages() > 0 ? " <a href=\"#skipped\">skipped images</a>" : "").append("</nav>\n");

        s.append("<section class=\"cards\">");
        card(s, "mIoU", pct(m.meanIoU()));
        card(s, "pixel accuracy", pct(m.pixelAccuracy()));
        card(s, "mean class accuracy", pct(m.meanClassAccuracy()));
        card(s, "frequency-weighted IoU", pct(m.frequencyWeightedIoU()));
        card(s, "mean Dice / F1", pct(m.meanDice()));
        s.append("</section>\n");

        s.append("<div class=\"scroll\"><table class=\"summary\"><tbody>");
        kv(s, "images evaluated", String.format(Locale.ROOT, "%,d", r.images()));
        kv(s, "images skipped (unusable)", String.format(Locale.ROOT, "%,d", r.badImages()));
        kv(s, "pixels counted", String.format(Locale.ROOT, "%,d", m.totalPixels()));
        kv(s, "pixels ignored" + (classes.ignoreLabel() == null ? "" : " (label " + classes.ignoreLabel() + ", "
                + esc(classes.ignoreName()) + ")"), String.format(Locale.ROOT, "%,d", m.ignoredPixels()));
        kv(s, "classes", String.valueOf(m.numClasses()));
        kv(s, "wall time", String.format(Locale.ROOT, "%.1f s (%.2f images/s, %d partitions)", r.seconds(),
                r.imagesPerSecond(), r.partitions()));
        kv(s, "dense CRF", r.crfApplied() ? esc(InferenceConfig.describe(r.inference().crf())) : "off");
        kv(s, "task time per image", r.crfApplied()
                ? String.format(Locale.ROOT, "network %.4f s, CRF %.4f s", r.networkSecondsPerImage(), r.crfSecondsPerImage())
                : String.format(Locale.ROOT, "network %.4f s", r.networkSecondsPerImage()));
        s.append("</tbody></table>\n");
        s.append("</div>\n");
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

        s.append("<h2 id=\"classes\">Per class</h2>\n<div class=\"scroll\"><table class=\"classes\"><thead><tr><th></th><th>id</th><th>class</th>")
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
                .append("</td><td class=\"n\">").append(pct(m.meanClassAccuracy())).append("</td><td></td></tr></tfoot></table></div>\n");
        s.append("<p class=\"small\">n/a: undefined (0/0): IoU and Dice for a class in neither truth nor prediction, "
                + "accuracy for a class not in the truth, precision for a class never predicted. Means leave them out.</p>\n");

        s.append("<h2 id=\"confusion\">Confusion matrix (row-normalised)</h2>\n<p class=\"small\">Row = ground truth, column = prediction; "
                + "a cell is the share of the true class's pixels. Raw counts are in <a href=\"" + JSON + "\">" + JSON
                + "</a>.</p>\n<img class=\"heat\" src=\"" + HEAT_MAP + "\" alt=\"row-normalised confusion matrix\">\n");

        perImage(s, worstFirst);
        if (!exampleRows.isEmpty()) {
            s.append("<h2 id=\"examples\">Worst examples</h2>\n<p class=\"small\">The ").append(exampleRows.size())
                    .append(" images with the lowest mIoU of their own (ties by id), worst first. Class colours:");
            for (var c : classes.classes()) {
                swatch(s, c.colour().packed(), esc(c.name()));
            }
            if (classes.ignoreLabel() != null) {
                swatch(s, classes.ignoreColour() == null ? 0 : classes.ignoreColour().packed(),
                        esc(classes.ignoreName()) + " (ignored)");
            }
            s.append("</p>\n<p class=\"small\">Error map:");
            swatch(s, ErrorMap.CORRECT, "correct");
            swatch(s, ErrorMap.WRONG, "wrong");
            if (classes.ignoreLabel() != null) {
                swatch(s, ErrorMap.IGNORED, "ignored (not counted)");
            }
            s.append("</p>\n");
            for (String row : exampleRows) {
                s.append(row).append('\n');
            }
        }
        s.append(training);
        if (r.badImages() > 0) {
            s.append("<h2 id=\"skipped\">Skipped images (").append(r.badImages())
                    .append(")</h2>\n<div class=\"scroll\"><table class=\"bad\"><thead><tr><th>id</th>")
                    .append("<th>reason</th></tr></thead><tbody>");
            for (BadImage b : r.bad()) {
                s.append("<tr><td><code>").append(esc(b.id())).append("</code></td><td>").append(esc(b.reason()))
                        .append("</td></tr>");
            }
            s.append("</tbody></table></div>\n");
            if (r.bad().size() < r.badImages()) {
                s.append("<p class=\"small\">").append(r.badImages() - r.bad().size()).append(" more not listed.</p>\n");
            }
        }
        s.append("<footer>segpipe eval &middot; all numbers from one confusion matrix of ")
                .append(String.format(Locale.ROOT, "%,d", m.totalPixels())).append(" pixels</footer>\n</body></html>\n");
        return s.toString();
    }

    /**
     * The "Per image" section: how the images' own mIoU and pixel accuracy spread (minimum,
     * 10th percentile, median, 90th percentile, maximum; nearest rank), and the link to
     * {@value #PER_IMAGE}.
     */
    private static void perImage(StringBuilder s, List<ImageScore> worstFirst) {
        double[] miou = worstFirst.stream().filter(ImageScore::defined).mapToDouble(ImageScore::meanIoU).sorted().toArray();
        double[] acc = worstFirst.stream().filter(ImageScore::defined).mapToDouble(ImageScore::pixelAccuracy).sorted()
                .toArray();
        long undefined = worstFirst.size() - miou.length;
        s.append("<h2 id=\"images\">Per image</h2>\n<p class=\"small\">Each image scored on its own: its mIoU is the mean "
                + "IoU over the classes present in its ground truth or its prediction, ignored pixels left out; its pixel "
                + "accuracy is correct / counted pixels. All ").append(String.format(Locale.ROOT, "%,d", worstFirst.size()))
                .append(" images, worst first, are in <a href=\"").append(PER_IMAGE).append("\">").append(PER_IMAGE)
                .append("</a>.");
        if (undefined > 0) {
            s.append(" ").append(undefined).append(" image(s) have every pixel ignored and no score.");
        }
        s.append("</p>\n<div class=\"scroll\"><table class=\"spread\"><thead><tr><th></th><th>minimum</th>")
                .append("<th>10th percentile</th><th>median</th><th>90th percentile</th><th>maximum</th></tr></thead><tbody>");
        for (Object[] row : new Object[][] {{"image mIoU", miou}, {"image pixel accuracy", acc}}) {
            double[] v = (double[]) row[1];
            s.append("<tr><th>").append(row[0]).append("</th>");
            for (double q : new double[] {0, 0.1, 0.5, 0.9, 1}) {
                s.append("<td class=\"n\">").append(pct(quantile(v, q))).append("</td>");
            }
            s.append("</tr>");
        }
        s.append("</tbody></table></div>\n");
    }

    /** The nearest-rank {@code q} quantile of ascending {@code sorted}; NaN when empty. */
    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static void swatch(StringBuilder s, int rgb, String label) {
        s.append(" <span class=\"legend\"><span class=\"swatch\" style=\"background:#")
                .append(String.format(Locale.ROOT, "%06x", rgb)).append("\"></span>").append(label).append("</span>");
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

    /** A fraction as a percentage with two decimals, n/a (styled) for NaN. */
    public static String pct(double v) {
        return Double.isNaN(v) ? "<span class=\"na\">n/a</span>" : String.format(Locale.ROOT, "%.2f%%", v * 100);
    }

    private static String shortName(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        int i = p.lastIndexOf('/');
        return i < 0 ? p : p.substring(i + 1);
    }

    /** {@code s} escaped for HTML text and attribute values. */
    public static String esc(String s) {
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

    /**
     * The page's style. Readable from 800 px wide down to a phone: the body is fluid, every table
     * and preformatted block scrolls inside its own box ({@code .scroll}, {@code pre}), every image
     * shrinks to its container, and long paths and hashes wrap.
     */
    public static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1b1f24;\
            max-width:1180px;margin:24px auto;padding:0 20px;background:#fff}
            h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e3e6ea;padding-bottom:4px}
            code{font:12.5px/1.3 "DejaVu Sans Mono",Menlo,Consolas,monospace;background:#f3f4f6;padding:1px 4px;border-radius:3px;\
            overflow-wrap:anywhere}
            img{max-width:100%;height:auto}
            .scroll{overflow-x:auto;max-width:100%}
            pre{overflow-x:auto;max-width:100%;background:#f6f8fa;border:1px solid #e3e6ea;padding:8px;font-size:12px}
            pre code{background:none;padding:0}
            details{margin:6px 0}summary{cursor:pointer;color:#57606a;font-size:12.5px}
            nav{font-size:12.5px;margin:0 0 10px}nav a{margin-right:12px;white-space:nowrap}
            .meta{color:#57606a;font-size:12.5px;margin:0 0 14px;overflow-wrap:anywhere}
            .cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
            .card{border:1px solid #d8dee4;border-radius:8px;padding:10px 16px;min-width:150px;background:#f8fafc}
            .card .v{font-size:24px;font-weight:600;color:#0b4f8a}.card .l{color:#57606a;font-size:12.5px}
            table{border-collapse:collapse;margin:8px 0}th,td{padding:4px 10px;text-align:left}
            .summary th,.prov th{font-weight:normal;color:#57606a;vertical-align:top}
            .prov td{overflow-wrap:anywhere;min-width:240px}
            .classes thead th,.spread thead th{border-bottom:2px solid #d0d7de;font-size:12.5px;color:#57606a;vertical-align:bottom}
            .classes td,.spread td{border-bottom:1px solid #eef0f2}.classes tfoot td{font-weight:600;border-top:2px solid #d0d7de}
            .spread tbody th{font-weight:normal;color:#57606a}
            .classes tr.absent td{color:#8c959f;font-style:italic}
            td.n{text-align:right;font-variant-numeric:tabular-nums}
            td.bar{min-width:170px;white-space:nowrap}
            .b{display:inline-block;width:90px;height:10px;background:#eef0f2;border-radius:2px;margin-right:8px;vertical-align:middle}
            .b div{height:10px;background:#2f73b8;border-radius:2px}
            .swatch{display:inline-block;width:14px;height:14px;border:1px solid #8c959f;border-radius:2px;vertical-align:middle}
            .legend{white-space:nowrap;margin-right:8px}.legend .swatch{margin-right:4px}
            .na{color:#8c959f}.note{background:#fff8c5;border:1px solid #e9d88a;padding:6px 10px;border-radius:6px}
            .small{color:#57606a;font-size:12.5px}
            img.heat{border:1px solid #e3e6ea}
            .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,430px),1fr));gap:10px;margin:8px 0}
            .charts img{width:100%;border:1px solid #e3e6ea}
            .example{margin:14px 0}.example figcaption{font-size:12.5px;color:#57606a;margin-bottom:4px;overflow-wrap:anywhere}
            .panels{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:6px}
            @media (max-width:560px){.panels{grid-template-columns:repeat(2,minmax(0,1fr))}}
            .panels div{text-align:center;font-size:12px;color:#57606a}
            .panels img{width:100%;image-rendering:pixelated;border:1px solid #e3e6ea;display:block}
            .bad td{border-bottom:1px solid #eef0f2;font-size:12.5px}
            footer{margin:30px 0 10px;color:#8c959f;font-size:12px}
            """;

}
