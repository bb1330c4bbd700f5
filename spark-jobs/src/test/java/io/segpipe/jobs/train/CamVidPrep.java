package io.segpipe.jobs.train;

import java.util.List;

import org.apache.spark.sql.SparkSession;

import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.job.PrepJob;
import io.segpipe.prep.job.PrepResult;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.schema.ClassTable;

/**
 * Prepares ../shared/datasets/camvid (train 367 / val 101, full 360x480, void = 11 ignored) for the
 * CamVid training benchmark: {@code CamVidPrep <camvid dir> <output dir>}. Runs on local[2].
 */
public final class CamVidPrep {
    private CamVidPrep() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: CamVidPrep <camvid dir> <output dir>");
            System.exit(2);
        }
        SparkSession spark = SparkSession.builder().appName("camvid-prep").master("local[2]")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            PairedFolders input = new PairedFolders(args[0], List.of(
                    new PairedFolders.FolderPair("train", "trainannot", "train"),
                    new PairedFolders.FolderPair("val", "valannot", "val")));
            PrepResult r = PrepJob.run(PrepConfig.builder().input(input).output(args[1])
                    .classes(ClassTable.camvid()).shardCount(4).overwrite(true).build(), spark);
            System.out.println("prepared " + r.samples() + " samples to " + r.output() + ", quarantined "
                    + r.quarantine().size());
        } finally {
            spark.stop();
        }
    }
}
