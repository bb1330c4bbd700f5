package io.segpipe.jobs.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

import io.segpipe.jobs.eval.EvalConfig;
import io.segpipe.jobs.eval.EvalJob;
import io.segpipe.jobs.eval.EvalResult;
import io.segpipe.jobs.infer.InputSettings;
import picocli.CommandLine.Command;

/** {@code segpipe eval}: mIoU and the other confusion-matrix metrics, with a JSON + HTML report. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a model on a split of a prepared dataset across Spark executors: per-class IoU, mIoU, "
                + "accuracies, Dice; writes report.json and an HTML page with a confusion-matrix heat map and overlays.",
                "Configuration: io.segpipe.jobs.eval.EvalConfig.",
                "model is a model directory, registry:<root> (the registry's production model) or "
                        + "registry:<root>@v3; normalization, inputScale and inference default to the model's.",
                "Example: segpipe eval --set model=models/unet --set data=data/camvid-prep --set output=reports/unet"})
final class EvalCommand extends SparkJobCommand<EvalConfig, EvalResult> {
    /** The settings evaluation and scoring take from the model when unset. */
    static final List<String> JOB_KEYS = List.of(InputSettings.NORMALIZATION, InputSettings.INPUT_SCALE,
            InputSettings.INFERENCE);

    @Override
    Class<EvalConfig> configType() {
        return EvalConfig.class;
    }

    @Override
    String appName() {
        return "segpipe eval";
    }

    @Override
    EvalConfig effective(EvalConfig config, Configuration hadoop, PrintWriter notes) {
        return ModelPreview.settings(config.model(), config.normalization(), config.inputScale(), config.inference(),
                JOB_KEYS, hadoop, notes).map(config::withSettings).orElse(config);
    }

    @Override
    EvalResult run(EvalConfig config, SparkSession spark) throws Exception {
        return EvalJob.run(config, spark);
    }

    @Override
    void print(EvalResult result) {
        Summaries.printMetrics(result);
        System.out.printf(Locale.ROOT, "%d images (%d unusable) in %.1f s; report: %s/index.html%n", result.images(),
                result.badImages(), result.seconds(), result.output());
    }
}
