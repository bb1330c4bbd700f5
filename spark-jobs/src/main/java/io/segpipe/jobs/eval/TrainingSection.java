package io.segpipe.jobs.eval;

import static io.segpipe.jobs.eval.EvalReport.esc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import com.fasterxml.jackson.databind.JsonNode;

import io.segpipe.jobs.model.MetricsHistory;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.jobs.model.Provenance;
import io.segpipe.jobs.model.TrainingCharts;
import io.segpipe.jobs.registry.ModelRegistry;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.Json;
import io.segpipe.prep.fs.AtomicFs;

/**
 * The report's "Training" section, from what the model directory recorded: the loss and val mIoU
 * curves of {@code metrics.json} ({@link TrainingCharts}, one shared epoch axis) and a provenance
 * table from {@code provenance.json}, {@code spec.json} and {@code train-config.json}: the data the
 * model saw (dataset and the SHA-256 of its manifest), the spec, how it was trained (seed, mode,
 * training master, optimiser, epochs, the epoch {@code model.zip} holds), the software versions
 * and, for a registry model, the registry and version.
 */
final class TrainingSection {

    static final String LOSS_CHART = "training-loss.png";
    static final String MIOU_CHART = "training-miou.png";
    /** Drawn at the width the page gives one chart per row at 800 px; two per row from about 900 px. */
    static final int CHART_WIDTH = 720;
    static final int CHART_HEIGHT = 360;

    private TrainingSection() {
    }

    /**
     * Writes the charts into {@code dir} and returns the section's HTML; with no {@code info} (the
     * model directory could not be read again) a note saying so.
     */
    static String write(FileSystem fs, Path dir, ModelDirectory.Info info, EvalResult r) throws IOException {
        StringBuilder s = new StringBuilder(4096);
        s.append("<h2 id=\"training\">Training and provenance</h2>\n");
        if (info == null) {
            return s.append("<p class=\"note\">The model directory <code>").append(esc(r.model()))
                    .append("</code> could not be read again for its training record: no curves or provenance.</p>\n")
                    .toString();
        }
        MetricsHistory history = info.metrics();
        byte[] loss = TrainingCharts.png(TrainingCharts.loss(history), CHART_WIDTH, CHART_HEIGHT);
        byte[] miou = TrainingCharts.png(TrainingCharts.valMeanIoU(history), CHART_WIDTH, CHART_HEIGHT);
        AtomicFs.writeFile(fs, new Path(dir, LOSS_CHART), false, out -> out.write(loss));
        AtomicFs.writeFile(fs, new Path(dir, MIOU_CHART), false, out -> out.write(miou));
        Provenance p = info.provenance();
        s.append("<p class=\"small\">From the model directory's <code>").append(ModelDirectory.METRICS_JSON)
                .append("</code> (").append(history.epochs().size()).append(" epochs) and <code>")
                .append(ModelDirectory.PROVENANCE).append("</code>. Both charts share the epoch axis; the dashed line ")
                .append("is the epoch with the best val mIoU. <code>").append(ModelDirectory.MODEL)
                .append("</code> holds the parameters of epoch ").append(p.training().modelEpoch()).append(".</p>\n");
        s.append("<div class=\"charts\"><img src=\"").append(LOSS_CHART).append("\" width=\"").append(CHART_WIDTH)
                .append("\" height=\"").append(CHART_HEIGHT).append("\" alt=\"training loss per epoch\"><img src=\"")
                .append(MIOU_CHART).append("\" width=\"").append(CHART_WIDTH).append("\" height=\"").append(CHART_HEIGHT)
                .append("\" alt=\"validation mIoU per epoch\"></div>\n");

        s.append("<div class=\"scroll\"><table class=\"prov\"><tbody>");
        row(s, "model", "<code>" + esc(r.model()) + "</code>");
        if (r.registry() != null) {
            row(s, "registry", "<code>" + esc(r.registry()) + "</code> version "
                    + esc(ModelRegistry.versionName(r.registryVersion())));
        }
        row(s, "training data", "<code>" + esc(String.valueOf(p.data().dataset())) + "</code>");
        row(s, "data manifest SHA-256", p.data().dataManifestSha256() == null ? "not recorded"
                : "<code>" + esc(p.data().dataManifestSha256()) + "</code>");
        row(s, "spec", esc(specSummary(info.spec())));
        Provenance.Training t = p.training();
        row(s, "training", esc(String.format(Locale.ROOT, "seed %d, %s, %d epochs; model from epoch %d%s", t.seed(),
                t.trainingMode(), t.epochs(), t.modelEpoch(), t.modelValMeanIoU() == null ? ""
                        : String.format(Locale.ROOT, " (val mIoU %.2f%%)", t.modelValMeanIoU() * 100))));
        row(s, "started, finished", esc(t.startedAt() + ", " + t.finishedAt()));
        if (t.resumedFrom() != null) {
            row(s, "resumed from", "<code>" + esc(t.resumedFrom()) + "</code>");
        }
        if (t.trainingMaster() != null && t.trainingMaster().size() > 0) {
            row(s, "training master", esc(flat(t.trainingMaster())));
        }
        JsonNode config = tree(info.trainConfigJson());
        for (Map.Entry<String, String> e : settings(config)) {
            row(s, e.getKey(), esc(e.getValue()));
        }
        Provenance.SystemInfo v = p.system();
        row(s, "versions", esc("segpipe " + v.codeVersion() + ", DL4J " + v.dl4jVersion() + ", Spark " + v.sparkVersion()
                + ", Java " + v.javaVersion()));
        if (!v.hosts().isEmpty()) {
            row(s, "hosts", esc(String.join(", ", v.hosts())));
        }
        s.append("</tbody></table></div>\n");
        s.append("<details><summary>training configuration (<code>").append(ModelDirectory.TRAIN_CONFIG)
                .append("</code>)</summary><pre>").append(esc(pretty(config, info.trainConfigJson()))).append("</pre></details>\n");
        s.append("<details><summary>network spec (<code>").append(ModelDirectory.SPEC).append("</code>)</summary><pre>")
                .append(esc(pretty(tree(info.spec().toJson()), info.spec().toJson()))).append("</pre></details>\n");
        return s.toString();
    }

    /** One line on the network: architecture, classes, input, width, depth. */
    static String specSummary(SegmentationSpec spec) {
        StringBuilder s = new StringBuilder().append(spec.architecture()).append(", ").append(spec.numClasses())
                .append(" classes, ").append(spec.inputChannels()).append("-channel input");
        if (spec.inputHeight() > 0 && spec.inputWidth() > 0) {
            s.append(", crop ").append(spec.inputHeight()).append('x').append(spec.inputWidth());
        }
        s.append(String.format(Locale.ROOT, ", width x%s, depth %d", trim(spec.widthMultiplier()), spec.depth()));
        if (spec.architecture().name().startsWith("DEEPLAB")) { // ignored by the other architectures
            s.append(", output stride ").append(spec.outputStride());
        }
        s.append(spec.batchNorm() ? ", batch norm" : ", no batch norm");
        if (spec.dropout() > 0) {
            s.append(", dropout ").append(trim(spec.dropout()));
        }
        return s.toString();
    }

    /** The training settings worth a row, from train-config.json as far as it has them. */
    private static List<Map.Entry<String, String>> settings(JsonNode config) {
        List<Map.Entry<String, String>> rows = new ArrayList<>();
        if (config == null) {
            return rows;
        }
        JsonNode optimizer = config.get("optimizer");
        if (optimizer != null && optimizer.isObject()) {
            rows.add(Map.entry("optimiser", flat(optimizer)));
        }
        List<String> parts = new ArrayList<>();
        for (String key : List.of("epochs", "validateEvery", "earlyStoppingPatience", "classWeights", "trainSplit",
                "valSplit", "inputScale", "valBatchSize", "maxMinutes")) {
            JsonNode n = config.get(key);
            if (n != null && !n.isNull() && n.isValueNode()) {
                parts.add(key + " " + n.asText());
            }
        }
        if (!parts.isEmpty()) {
            rows.add(Map.entry("training settings", String.join(", ", parts)));
        }
        JsonNode augment = config.get("augment");
        if (augment != null && augment.isObject()) {
            rows.add(Map.entry("augmentation", flat(augment)));
        }
        return rows;
    }

    /** {@code key value, key value, ...} of an object's fields; nested objects in braces. */
    static String flat(JsonNode node) {
        if (!node.isObject()) {
            return node.isTextual() ? node.asText() : node.toString();
        }
        List<String> parts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                continue;
            }
            parts.add(e.getKey() + " " + (e.getValue().isObject() ? "{" + flat(e.getValue()) + "}" : flat(e.getValue())));
        }
        return String.join(", ", parts);
    }

    /** The JSON tree of {@code json}, or null when it does not parse. */
    private static JsonNode tree(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String pretty(JsonNode node, String raw) {
        if (node == null) {
            return raw;
        }
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            return raw;
        }
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static void row(StringBuilder s, String k, String v) {
        s.append("<tr><th>").append(esc(k)).append("</th><td>").append(v).append("</td></tr>");
    }
}
