package io.segpipe.jobs.train;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.storage.sqlite.J7FileStatsStorage;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.jobs.data.Augmenter;
import io.segpipe.jobs.eval.SegmentationMetrics;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.progress.JobDescription;
import io.segpipe.prep.progress.SparkProgress;
import io.segpipe.prep.reader.RowDecoder;
import io.segpipe.prep.schema.ShardSchema;

/**
 * The Spark side of a run's epochs: the train and val rows, cached once for all epochs; an epoch's
 * fit by the training master on minibatches built on the executors ({@link EpochData}), with
 * progress lines inside it ({@link EpochProgress}); validation on the executors
 * ({@link Validator}). Every Spark job of a phase is described {@code segpipe train: epoch 2/4
 * (training)} or {@code (validation)}. Closing it releases the cached rows and the statistics file.
 */
final class SparkEpochs implements AutoCloseable {
    /** Logged under the job's name, like the rest of the job's lines. */
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
    private static final List<String> ROW_COLUMNS = List.of(ShardSchema.ID, ShardSchema.SPLIT, ShardSchema.HEIGHT,
            ShardSchema.WIDTH, ShardSchema.CHANNELS, ShardSchema.IMAGE, ShardSchema.LABEL);

    private final TrainConfig config;
    private final TrainSetup setup;
    private final JavaSparkContext sc;
    private final int workers;
    private final SkippedRows trainSkipped;
    private final SkippedRows valSkipped;
    private final EpochData epochData;
    private final Validator validator;
    private final JavaRDD<Row> trainRows;
    private final JavaRDD<Row> valRows;
    private final LossListener loss;
    private final EpochProgress progress;
    private final File statsFile;
    private final StatsStorage stats;
    /** One DL4J UI session for all epochs of this run: each epoch's listener would otherwise start its own. */
    private final String statsSession = "segpipe-train-" + UUID.randomUUID();
    private final TrainingMasters masters;

    /**
     * @param workers   data partitions = concurrent workers
     * @param threads   ND4J threads per Spark task
     * @param statsFile DL4J UI statistics file, or null
     * @param metricsLog also receives the progress lines, or null
     * @param budget    the run's time budget, which caps the ETA of progress lines
     */
    SparkEpochs(TrainConfig config, TrainSetup setup, JavaSparkContext sc, int workers, int threads, File statsFile,
                MetricsLog metricsLog, TimeBudget budget) {
        this.config = config;
        this.setup = setup;
        this.sc = sc;
        this.workers = workers;
        SegmentationSpec spec = setup.spec();
        RowDecoder decoder = setup.dataset().decoder(config.normalization());
        this.trainSkipped = new SkippedRows(sc.sc(), config.trainSplit());
        this.valSkipped = config.validates() ? new SkippedRows(sc.sc(), config.valSplit()) : null;
        this.epochData = new EpochData(trainSkipped.filter(decoder),
                new Augmenter(config.augment(), spec.inputHeight(), spec.inputWidth(), spec.loss().ignoreLabel()),
                config.inputScale(), spec, config.master().batchSizePerWorker(), config.seed(), threads);
        this.validator = valSkipped == null ? null
                : new Validator(valSkipped.filter(decoder), config.inputScale(), setup.classes(), config.valBatchSize(),
                        threads);
        this.trainRows = cachedRows(config.trainSplit());
        this.valRows = config.validates() ? cachedRows(config.valSplit()) : null;
        this.loss = new LossListener(sc.sc().doubleAccumulator("segpipe train loss"),
                sc.sc().longAccumulator("segpipe train minibatches"), (long) spec.inputHeight() * spec.inputWidth());
        this.progress = new EpochProgress(config, budget, loss, setup.trainSamples(), metricsLog);
        this.statsFile = statsFile;
        this.stats = statsFile == null ? null : new J7FileStatsStorage(statsFile);
        this.masters = new TrainingMasters(config.master(), workers, config.seed());
    }

    /** The rows of a split with the columns the decoder reads, cached (compressed bytes) for all epochs. */
    private JavaRDD<Row> cachedRows(String split) {
        return setup.dataset().rows(split).select(ROW_COLUMNS.stream().map(functions::col).toArray(Column[]::new))
                .javaRDD().persist(StorageLevel.MEMORY_AND_DISK());
    }

    /** The corrupt train rows skipped so far. */
    SkippedRows trainSkipped() {
        return trainSkipped;
    }

    /** The corrupt val rows skipped so far; null without validation. */
    SkippedRows valSkipped() {
        return valSkipped;
    }

    /**
     * Trains {@code net} for 0-based {@code epoch} at {@code learningRate} and returns the trained
     * network. The driver's ND4J RNG is seeded from (seed, epoch), like everything random in an epoch.
     */
    ComputationGraph fit(ComputationGraph net, int epoch, double learningRate) {
        net.setLearningRate(learningRate);
        Nd4j.getRandom().setSeed(config.seed() * 31 + epoch);
        try (JobDescription described = describe(epoch + 1, "training");
             SparkProgress inEpoch = progress.start(sc.sc(), epoch + 1)) {
            return fitDescribed(net, epoch);
        }
    }

    /** The fit itself, inside the epoch's job description and progress lines. */
    private ComputationGraph fitDescribed(ComputationGraph net, int epoch) {
        loss.reset();
        JavaRDD<MultiDataSet> data = epochData.epoch(trainRows, epoch, workers);
        SparkComputationGraph sparkNet = new SparkComputationGraph(sc, net, masters.forEpoch(epoch));
        List<TrainingListener> listeners = new ArrayList<>();
        listeners.add(loss);
        if (stats != null) {
            listeners.add(new StatsListener(null, config.statsEvery(), statsSession));
            sparkNet.setListeners(stats, listeners);
        } else {
            sparkNet.setListeners(listeners);
        }
        sparkNet.fitMultiDataSet(data);
        data.unpersist(false);
        return sparkNet.getNetwork();
    }

    /** Mean training loss per pixel of the last {@link #fit}; NaN when the training master reported no minibatch. */
    double loss() {
        return loss.mean();
    }

    /** Validation metrics of {@code net} after 1-based epoch {@code number}. */
    SegmentationMetrics validate(ComputationGraph net, int number) {
        try (JobDescription described = describe(number, "validation")) {
            return validator.validate(sc, valRows, net, setup, "epoch " + number);
        }
    }

    /** Names the Spark jobs of an epoch's phase in the Spark UI and event log, until closed. */
    private JobDescription describe(int number, String phase) {
        return JobDescription.set(sc.sc(), String.format(Locale.ROOT, "segpipe train: epoch %d/%d (%s)", number,
                config.epochs(), phase));
    }

    @Override
    public void close() {
        trainRows.unpersist(false);
        if (valRows != null) {
            valRows.unpersist(false);
        }
        if (stats != null) {
            try {
                stats.close();
            } catch (IOException e) {
                LOG.warn("Could not close the stats file {}: {}", statsFile, e.toString());
            }
        }
    }
}
