package io.segpipe.jobs.cli;

import java.io.IOException;
import java.io.PrintWriter;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

import io.segpipe.jobs.registry.ModelSource;
import io.segpipe.jobs.retrain.RetrainConfig;
import io.segpipe.jobs.retrain.RetrainJob;
import io.segpipe.jobs.retrain.RetrainResult;
import io.segpipe.jobs.train.TrainConfig;
import io.segpipe.jobs.registry.RunOutcome;
import picocli.CommandLine.Command;

/** {@code segpipe retrain}: one scheduled retraining run against the model registry. */
@Command(name = "retrain", mixinStandardHelpOptions = true,
        description = {"Train a challenger on the current dataset (warm start or from scratch), evaluate it and the "
                + "production model on the same held-out split, promote it only if better by the margin; every run "
                + "is recorded in the registry's history. Holds the registry lock while it runs. Exits with 6 when the "
                + "challenger scored below the floor, 0 when it was promoted or kept for lack of a margin over the "
                + "production model.",
                "Configuration: io.segpipe.jobs.retrain.RetrainConfig; schedules in deploy/schedules/."})
final class RetrainCommand extends SparkJobCommand<RetrainConfig, RetrainResult> {
    @Override
    Class<RetrainConfig> configType() {
        return RetrainConfig.class;
    }

    @Override
    String appName() {
        return "segpipe retrain";
    }

    @Override
    RetrainConfig effective(RetrainConfig config, Configuration hadoop, PrintWriter notes) throws IOException {
        notes.println("# evaluation: each model is applied with the normalization and inputScale its training "
                + "recorded, and " + (config.inference() == null ? "the inference it was validated with"
                : "inference " + config.inference().describe() + " (set in the configuration)"));
        TrainConfig train = config.train();
        if (!config.warmStart()) {
            notes.println("# train: the challenger trains from scratch");
            return config.toBuilder().train(TrainCommand.effectiveInputs(
                    train.toBuilder().initialModel("").build(), hadoop, notes).toBuilder()
                    .initialModel(train.initialModel()).build()).build();
        }
        notes.println("# train: the challenger starts from the registry's production model");
        return ModelPreview.settings(ModelSource.PREFIX + config.registry(), train.normalization(),
                train.inputScale(), null, TrainCommand.TRAIN_KEYS, hadoop, notes)
                .map(s -> config.toBuilder().train(train.withInputs(s.normalization(), s.inputScale(),
                        train.initialModel())).build())
                .orElse(config);
    }

    @Override
    RetrainResult run(RetrainConfig config, SparkSession spark) throws Exception {
        return RetrainJob.run(config, spark);
    }

    /** A challenger below the quality floor is a run a scheduler should see: it kept production only by the gate. */
    @Override
    ExitCode outcome(RetrainConfig config, RetrainResult result) {
        return result.outcome() == RunOutcome.KEPT && !config.policy().meetsFloor(result.challengerScore())
                ? ExitCode.QUALITY_GATE : ExitCode.OK;
    }

    @Override
    void print(RetrainResult result) {
        System.out.printf("retrain run %s: %s (challenger v%d) — %s%n", result.runId(), result.outcome(),
                result.challengerVersion(), result.reason());
        System.out.println("history: " + result.historyFile());
        if (result.record().comparison() != null) {
            System.out.println("comparison: " + result.record().comparison());
        }
    }
}
