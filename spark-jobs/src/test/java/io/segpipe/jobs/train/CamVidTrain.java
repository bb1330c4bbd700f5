package io.segpipe.jobs.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.apache.spark.sql.SparkSession;

import io.segpipe.jobs.model.EpochMetrics;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.prep.Json;

/**
 * The CamVid quality benchmark: {@code CamVidTrain <config.json> <prepared camvid> <model dir> [resume]} trains
 * on local[2] with the configuration file (dataset and output replaced by the arguments) and prints
 * the val IoU of every class of the model's epoch. Prepare the data first with {@link CamVidPrep}.
 */
public final class CamVidTrain {
    private CamVidTrain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: CamVidTrain <config.json> <prepared camvid dir> <model dir> [resume]");
            System.exit(2);
        }
        TrainConfig config = TrainConfig.fromJson(Files.readString(Path.of(args[0]))).toBuilder()
                .dataset(args[1]).output(args[2]).resume(args.length > 3 && args[3].equals("resume")).build();
        SparkSession spark = SparkSession.builder().appName("segpipe-camvid").master("local[2]")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        try {
            TrainResult r = TrainJob.run(config, spark);
            ModelDirectory.Info info = ModelDirectory.readInfo(r.output(), spark.sparkContext().hadoopConfiguration());
            EpochMetrics m = r.history().epochs().stream().filter(e -> e.epoch() == r.modelEpoch()).findFirst().orElseThrow();
            System.out.printf(Locale.ROOT, "model epoch %d of %d, wall %.1f min, val mIoU %.4f, pixel accuracy %.4f%n",
                    r.modelEpoch(), r.epochs(), r.seconds() / 60, m.valMeanIoU(), m.valPixelAccuracy());
            for (int k = 0; k < info.classNames().size(); k++) {
                System.out.printf(Locale.ROOT, "  %-12s IoU %.4f%n", info.classNames().get(k), m.valIoU().get(k));
            }
            System.out.println(Json.write(r));
        } finally {
            spark.stop();
        }
    }
}
