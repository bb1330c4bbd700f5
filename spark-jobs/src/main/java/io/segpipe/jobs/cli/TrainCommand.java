package io.segpipe.jobs.cli;

import java.util.Locale;

import org.apache.spark.sql.SparkSession;

import io.segpipe.jobs.train.TrainConfig;
import io.segpipe.jobs.train.TrainJob;
import io.segpipe.jobs.train.TrainResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code segpipe train}: distributed training with parameter averaging, checkpoints and resume. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a segmentation network on a prepared dataset across Spark executors (DL4J parameter "
                + "averaging or gradient sharing) and write a model directory with provenance.",
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
