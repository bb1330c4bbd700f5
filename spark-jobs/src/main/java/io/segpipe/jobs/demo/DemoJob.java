package io.segpipe.jobs.demo;

import java.io.IOException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.jobs.eval.ConfusionMatrix;
import io.segpipe.jobs.eval.EvalConfig;
import io.segpipe.jobs.eval.EvalJob;
import io.segpipe.jobs.eval.EvalResult;
import io.segpipe.jobs.eval.SegmentationMetrics;
import io.segpipe.jobs.score.ScoreConfig;
import io.segpipe.jobs.score.ScoreJob;
import io.segpipe.jobs.score.ScoreResult;
import io.segpipe.jobs.train.MasterConfig;
import io.segpipe.jobs.train.OptimizerConfig;
import io.segpipe.jobs.train.TrainConfig;
import io.segpipe.jobs.train.TrainJob;
import io.segpipe.jobs.train.TrainResult;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.job.PrepJob;
import io.segpipe.prep.job.PrepResult;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.synth.SyntheticConfig;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;

/**
 * The whole pipeline on generated data, as the README's first command runs it: synthetic images →
 * prep → train a small U-Net with parameter averaging → evaluate on the held-out split → score it.
 * Each stage is the real job with its real configuration record; the demo only chooses small
 * settings and wires one stage's output to the next.
 */
public final class DemoJob {
    /** Written into the work folder so a later run knows it may replace it. */
    static final String MARKER = ".segpipe-demo";
    private static final Logger LOG = LoggerFactory.getLogger(DemoJob.class);

    private DemoJob() {
    }

    public static DemoResult run(DemoConfig config, SparkSession spark) throws IOException {
        long start = System.nanoTime();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Path work = prepareWork(new Path(config.work()), hadoop);
        String root = work.toString();

        LOG.info("demo 1/5: generating {} synthetic {}x{} images", config.samples(), config.size(), config.size());
        ClassTable classes = SyntheticDatasetGenerator.classTable();
        PairedFolders input = SyntheticDatasetGenerator.generate(
                new SyntheticConfig(config.samples(), config.size(), config.size(), 3, true, config.seed()),
                root + "/images", hadoop);

        LOG.info("demo 2/5: prep");
        int cores = spark.sparkContext().defaultParallelism();
        PrepResult prep = PrepJob.run(PrepConfig.builder()
                .input(input)
                .output(root + "/dataset")
                .classes(classes)
                .shardCount(cores)
                .build(), spark);

        LOG.info("demo 3/5: train");
        String statsFile = statsFile(work);
        TrainResult train = TrainJob.run(trainConfig(config, root, classes, cores).toBuilder().statsFile(statsFile)
                .statsEvery(1).build(), spark); // a few minibatches per epoch: report each one

        LOG.info("demo 4/5: evaluate");
        EvalResult eval = EvalJob.run(EvalConfig.builder()
                .model(train.output())
                .data(prep.output())
                .split("val")
                .output(root + "/report")
                .build(), spark);
        SegmentationMetrics trivial = trivialPredictor(eval);

        LOG.info("demo 5/5: score");
        ScoreResult score = ScoreJob.run(ScoreConfig.builder()
                .model(train.output())
                .data(prep.output())
                .split("val")
                .output(root + "/scores")
                .masks(root + "/masks")
                .build(), spark);
        return new DemoResult(root, prep, train, statsFile, eval, trivial, score, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Where the training writes DL4J's UI statistics for {@code segpipe ui}: a local file in the work
     * folder; none when the work folder is not on the local file system (the file must be local).
     */
    static String statsFile(Path work) {
        String scheme = work.toUri().getScheme();
        return scheme == null || scheme.equals("file") ? work.toUri().getPath() + "/training-stats.db" : "";
    }

    /** A small U-Net (16 base filters, 3 levels) trained with parameter averaging over every local core. */
    static TrainConfig trainConfig(DemoConfig config, String root, ClassTable classes, int workers) {
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.UNET, classes.numClasses())
                .inputSize(config.size(), config.size())
                .widthMultiplier(0.25)
                .depth(3)
                .seed(config.seed())
                .build(); // the loss takes the dataset's ignore label and median-frequency class weights
        return TrainConfig.builder()
                .dataset(root + "/dataset")
                .output(root + "/model")
                .model(spec)
                .optimizer(OptimizerConfig.builder().learningRate(3e-3).build())
                .master(MasterConfig.builder().workers(workers).batchSizePerWorker(8).averagingFrequency(2).build())
                .epochs(config.epochs())
                .validateEvery(Math.max(1, config.epochs() / 3))
                .checkpointEvery(0)
                .seed(config.seed())
                .build();
    }

    /**
     * The metrics of labelling every pixel with the most frequent ground-truth class of the
     * evaluation: the floor a trained model must clear.
     */
    static SegmentationMetrics trivialPredictor(EvalResult eval) {
        ConfusionMatrix matrix = eval.confusionMatrix();
        int k = matrix.numClasses();
        int mostFrequent = 0;
        for (int c = 1; c < k; c++) {
            if (matrix.truthCount(c) > matrix.truthCount(mostFrequent)) {
                mostFrequent = c;
            }
        }
        long[][] counts = new long[k][k];
        for (int c = 0; c < k; c++) {
            counts[c][mostFrequent] = matrix.truthCount(c);
        }
        return SegmentationMetrics.of(ConfusionMatrix.fromCounts(counts, matrix.ignoreLabelOrNull(), matrix.ignoredPixels()),
                eval.classes());
    }

    /** Creates the work folder, or replaces a previous demo's; never deletes a folder the demo did not make. */
    private static Path prepareWork(Path requested, Configuration hadoop) throws IOException {
        FileSystem fs = requested.getFileSystem(hadoop);
        Path work = fs.makeQualified(requested);
        if (fs.exists(work)) {
            if (!fs.exists(new Path(work, MARKER))) {
                throw new IOException("demo work folder " + work + " exists and was not made by segpipe demo; "
                        + "choose another with --work or remove it");
            }
            fs.delete(work, true);
        }
        fs.mkdirs(work);
        fs.create(new Path(work, MARKER), false).close();
        return work;
    }
}
