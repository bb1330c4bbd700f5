package io.segpipe.jobs.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

import io.segpipe.jobs.infer.InputSettings;
import io.segpipe.jobs.train.TrainConfig;
import io.segpipe.jobs.train.TrainJob;
import io.segpipe.jobs.train.TrainResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code segpipe train}: distributed training with parameter averaging, checkpoints and resume. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a segmentation network on a prepared dataset across Spark executors (DL4J parameter "
                + "averaging) and write a model directory with provenance.",
                "Configuration: io.segpipe.jobs.train.TrainConfig; example in conf/train-camvid.json.",
                "Example: segpipe train --conf conf/train-camvid.json --set epochs=5"})
final class TrainCommand extends SparkJobCommand<TrainConfig, TrainResult> {
    @Option(names = "--resume", description = "Continue from the newest complete checkpoint in checkpointDir.")
    boolean resume;

    @Override
    Class<TrainConfig> configType() {
        return TrainConfig.class;
    }

    @Override
    TrainConfig adjust(TrainConfig config) {
        return resume ? config.toBuilder().resume(true).build() : config;
    }

    /** The settings training takes from its initial model when unset. */
    static final List<String> TRAIN_KEYS = List.of(InputSettings.NORMALIZATION, InputSettings.INPUT_SCALE);

    @Override
    TrainConfig effective(TrainConfig config, Configuration hadoop, PrintWriter notes) throws IOException {
        return effectiveInputs(config, hadoop, notes);
    }

    /** {@code config} with the normalisation and input scale it trains with, noted on {@code notes}. */
    static TrainConfig effectiveInputs(TrainConfig config, Configuration hadoop, PrintWriter notes) throws IOException {
        if (config.initialModel().isBlank()) {
            TrainConfig resolved = TrainJob.resolveInputs(config, hadoop);
            ModelPreview.note(notes, InputSettings.NORMALIZATION, InputSettings.describe(resolved.normalization()),
                    config.normalization() != null, "default, [0, 1] scaling (no initialModel)");
            ModelPreview.note(notes, InputSettings.INPUT_SCALE, resolved.inputScale(), config.inputScale() != null,
                    "default (no initialModel)");
            return resolved;
        }
        return ModelPreview.settings(config.initialModel(), config.normalization(), config.inputScale(), null,
                TRAIN_KEYS, hadoop, notes)
                .map(s -> config.withInputs(s.normalization(), s.inputScale(), config.initialModel())).orElse(config);
    }

    @Override
    String appName() {
        return "segpipe train";
    }

    @Override
    TrainResult run(TrainConfig config, SparkSession spark) throws Exception {
        return TrainJob.run(config, spark);
    }

    @Override
    void print(TrainResult result) {
        System.out.printf(Locale.ROOT, "trained %d epoch(s) (%d this run%s) in %.0f s; model (epoch %d%s) in %s%n",
                result.epochs(), result.epochsThisRun(), result.resumedFrom() != null ? ", resumed" : "",
                result.seconds(), result.modelEpoch(),
                result.modelValMeanIoU() != null ? String.format(Locale.ROOT, ", val mIoU %.4f", result.modelValMeanIoU()) : "",
                result.output());
        if (result.skippedRows() > 0) {
            System.out.printf("skipped %d corrupt row(s); their ids are in the log%n", result.skippedRows());
        }
    }
}
