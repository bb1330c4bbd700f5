package io.segpipe.jobs.cli;

import java.io.PrintWriter;
import java.util.Locale;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

import io.segpipe.jobs.score.ScoreConfig;
import io.segpipe.jobs.score.ScoreJob;
import io.segpipe.jobs.score.ScoreResult;
import picocli.CommandLine.Command;

/** {@code segpipe score}: batch predictions for a prepared dataset or a folder of images. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Score a prepared dataset or a folder/glob of images across Spark executors: Parquet with the "
                + "predicted label map, per-class fractions and confidence per image, optionally coloured masks; "
                + "resumable.",
                "Configuration: io.segpipe.jobs.score.ScoreConfig.",
                "model is a model directory, registry:<root> (the registry's production model) or "
                        + "registry:<root>@v3; normalization, inputScale and inference default to the model's.",
                "Example: segpipe score --set model=models/unet --set images='/data/new/*.png' --set output=scores/new"})
final class ScoreCommand extends SparkJobCommand<ScoreConfig, ScoreResult> {
    @Override
    Class<ScoreConfig> configType() {
        return ScoreConfig.class;
    }

    @Override
    String appName() {
        return "segpipe score";
    }

    @Override
    ScoreConfig effective(ScoreConfig config, Configuration hadoop, PrintWriter notes) {
        return ModelPreview.settings(config.model(), config.normalization(), config.inputScale(), config.inference(),
                EvalCommand.JOB_KEYS, hadoop, notes).map(config::withSettings).orElse(config);
    }

    @Override
    ScoreResult run(ScoreConfig config, SparkSession spark) throws Exception {
        return ScoreJob.run(config, spark);
    }

    @Override
    void print(ScoreResult result) {
        System.out.printf(Locale.ROOT, "scored %d of %d images (%d already scored, %d unusable) in %.1f s (%.2f img/s) into %s%n",
                result.scored(), result.inputImages(), result.skipped(), result.badImages(), result.seconds(),
                result.imagesPerSecond(), result.output());
        if (result.masks() != null) {
            System.out.println("masks: " + result.masks());
        }
        result.bad().stream().limit(10).forEach(b -> System.out.println("  unusable: " + b));
    }
}
