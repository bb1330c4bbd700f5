package io.segpipe.jobs.train;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.jobs.infer.InputChecks;
import io.segpipe.jobs.infer.InputSettings;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.jobs.registry.ModelSource;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.fs.AtomicFs;
import io.segpipe.prep.reader.Normalization;
import io.segpipe.prep.progress.JobDescription;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.ClassWeights;
import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.schema.ShardSchema;
import io.segpipe.prep.fs.HadoopFiles;

/**
 * Distributed training of a segmentation network on a prepared dataset with DL4J's Spark training
 * masters, writing a {@link ModelDirectory}.
 *
 * <p>Before any training, every input is checked and a problem ends the run with one message: the
 * output exists (without overwrite), the dataset is missing or of another schema version, its class
 * count or ignore label disagree with the model, a split is missing or empty, the images' channels
 * do not match the model, the training crop is larger than the train images can be ({@link CropCheck}),
 * no checkpoint to resume is usable (a damaged newer one is skipped with a
 * warning naming it, for the previous one) or it is of another model, the checkpoint directory
 * holds another run's checkpoints. A run whose application has no executor for
 * {@code maxSecondsWithoutExecutors} (every worker lost) stops with {@link ExecutorsLostException}
 * instead of waiting for executors forever ({@link ExecutorWatchdog}); a time budget spent before the
 * run's first epoch finished ends it with one message naming {@code maxMinutes} ({@link EpochDeadline}).
 *
 * <p>Per epoch ({@link TrainingRun}): the learning rate of the schedule is set; the cached train
 * rows are shuffled and augmented into minibatches on the executors ({@link EpochData}); the
 * training master fits them ({@link TrainingMasters}); validation (every {@code validateEvery}
 * epochs) computes the val confusion matrix on the executors ({@link Validator}); the best network
 * by val mIoU is kept ({@link BestModel}); a checkpoint is written atomically; one progress line is
 * logged; early stopping ({@link EarlyStopping}) or the time budget ({@link TimeBudget}) may end the
 * run; with checkpoints, every epoch and progress line is also appended to {@code metrics.jsonl} beside them
 * ({@link MetricsLog}). The model directory finally receives the best network (the last one without validation).
 * Every Spark job is described ({@code segpipe train}, and per epoch {@code segpipe train: epoch 2/4
 * (training)}), and long epochs log progress lines ({@link EpochProgress}).
 *
 * <pre>{@code
 * TrainResult r = TrainJob.run(TrainConfig.fromJson(json), spark);
 * }</pre>
 */
public final class TrainJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

    private TrainJob() {
    }

    /**
     * Trains as configured and writes the model directory.
     *
     * @throws IOException              on file-system failures, a missing dataset or checkpoint problems
     * @throws IllegalArgumentException on input that does not fit the configuration (see the class notes)
     */
    public static TrainResult run(TrainConfig config, SparkSession spark) throws IOException {
        return run(config, spark, System::nanoTime);
    }

    /** {@link #run(TrainConfig, SparkSession)} on the clock {@code nanoClock} (monotonic nanoseconds) of its time budget. */
    static TrainResult run(TrainConfig config, SparkSession spark, LongSupplier nanoClock) throws IOException {
        try (JobDescription described = JobDescription.set(spark.sparkContext(), "segpipe train")) {
            return train(config, spark, nanoClock);
        }
    }

    private static TrainResult train(TrainConfig config, SparkSession spark, LongSupplier nanoClock) throws IOException {
        TimeBudget budget = new TimeBudget(config.maxMinutes(), nanoClock);
        Nd4jBackend.init();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();

        Path output = new Path(config.output());
        FileSystem outFs = output.getFileSystem(hadoop);
        output = outFs.makeQualified(output);
        AtomicFs.requireWritable(outFs, output, config.overwrite());
        config = resolveInputs(config, hadoop);
        TrainSetup setup = setup(config, spark);

        Checkpoints checkpoints = null;
        if (config.checkpointEvery() > 0 || config.resume()) {
            Path dir = new Path(config.checkpointPath());
            checkpoints = new Checkpoints(dir.getFileSystem(hadoop), dir, config.keepCheckpoints());
        }
        Checkpoints.Loaded resumed = null;
        if (config.resume()) {
            resumed = checkpointToResume(checkpoints, config, setup).orElse(null);
        } else if (checkpoints != null) {
            clearEarlierRun(checkpoints, config);
        }
        File statsFile = statsFile(config);
        MetricsLog metricsLog = checkpoints == null ? null : MetricsLog.open(checkpoints.fs(), checkpoints.dir(),
                resumed == null ? 0 : resumed.state().epoch(), budget);
        TrainingRun run = new TrainingRun(config, spark, setup, checkpoints, resumed, statsFile, metricsLog, output,
                budget);
        Checkpoints left = checkpoints;
        try (ExecutorWatchdog watchdog = ExecutorWatchdog.start(spark.sparkContext(), config.maxSecondsWithoutExecutors());
             EpochDeadline deadline = EpochDeadline.start(spark.sparkContext(), budget, config.maxMinutes())) {
            return watchdog.guard(() -> deadline.guard(run::train), () -> whatIsLeft(left));
        }
    }

    /**
     * The configuration with the normalisation and input scale training uses filled in: the
     * configured ones, else those the initial model's training recorded (its weights were learned
     * on input prepared that way), else [0, 1] and 1. A configured value that differs from the
     * initial model's is used with a warning; a registry initial model is resolved to its version's
     * directory ({@link ModelSource}).
     *
     * @throws IOException              when the initial model or its registry cannot be read
     * @throws IllegalArgumentException when the normalisation does not fit the model's channels
     */
    public static TrainConfig resolveInputs(TrainConfig config, Configuration hadoop) throws IOException {
        if (config.initialModel().isBlank()) {
            return config.withInputs(config.normalization() != null ? config.normalization() : Normalization.UNIT,
                    config.inputScale() != null ? config.inputScale() : 1.0, "");
        }
        ModelSource source = ModelSource.resolve(config.initialModel(), hadoop);
        ModelDirectory.Info initial = ModelDirectory.readInfo(source.path(), hadoop);
        InputSettings inputs = InputSettings.resolve(config.normalization(), config.inputScale(),
                Validator.inference(config.valBatchSize()), initial.recordedInference(), config.model(), source.path());
        inputs.warnings().forEach(LOG::warn);
        LOG.info("Initial model {}: training with normalization {} ({}), inputScale {} ({})", source.describe(),
                InputSettings.describe(inputs.normalization()),
                inputs.sources().get(InputSettings.NORMALIZATION).describe(source.path()), inputs.inputScale(),
                inputs.sources().get(InputSettings.INPUT_SCALE).describe(source.path()));
        return config.withInputs(inputs.normalization(), inputs.inputScale(), source.path());
    }

    /** The newest checkpoint a run stopped without executors leaves, and how to continue from it. */
    private static String whatIsLeft(Checkpoints checkpoints) throws IOException {
        List<Path> written = checkpoints == null ? List.of() : checkpoints.list();
        return written.isEmpty() ? "no checkpoint was written"
                : "the newest checkpoint is " + written.get(written.size() - 1) + ": once the cluster has workers again,"
                + " run the same command with --resume";
    }

    /**
     * The newest usable checkpoint (a damaged newer one is skipped with a warning), checked against
     * the configuration; empty when there is none.
     */
    private static Optional<Checkpoints.Loaded> checkpointToResume(Checkpoints checkpoints, TrainConfig config,
                                                                   TrainSetup setup) throws IOException {
        Optional<Checkpoints.Loaded> resumed = checkpoints.newestUsable();
        if (resumed.isEmpty()) {
            LOG.warn("resume: no checkpoint in {}; starting from epoch 1", checkpoints.dir());
        } else if (!resumed.get().state().spec().equals(setup.spec())) {
            throw new IllegalArgumentException("checkpoint " + resumed.get().path() + " was trained with another model "
                    + "spec than this configuration gives; resume with the configuration of that run or start a new "
                    + "run in another checkpointDir. Checkpoint spec: " + resumed.get().state().spec().toJson());
        } else if (resumed.get().state().epoch() >= config.epochs()) {
            throw new IllegalArgumentException("checkpoint " + resumed.get().path() + " already completed epoch "
                    + resumed.get().state().epoch() + " of epochs=" + config.epochs() + "; raise epochs to train on");
        }
        return resumed;
    }

    /** A new run over another run's checkpoints discards them with overwrite and fails without. */
    private static void clearEarlierRun(Checkpoints checkpoints, TrainConfig config) throws IOException {
        if (checkpoints.list().isEmpty()) {
            return;
        }
        if (!config.overwrite()) {
            throw new IllegalArgumentException("checkpoint directory " + checkpoints.dir() + " holds checkpoints of an"
                    + " earlier run (newest " + checkpoints.list().get(checkpoints.list().size() - 1).getName()
                    + "); set resume to continue it, overwrite to discard them, or choose another checkpointDir");
        }
        checkpoints.clear();
    }

    /** The DL4J UI statistics file, a local path on the driver in an existing directory; null for none. */
    private static File statsFile(TrainConfig config) {
        if (config.statsFile().isBlank()) {
            return null;
        }
        File statsFile = new File(config.statsFile());
        File parent = statsFile.getAbsoluteFile().getParentFile();
        if (parent != null && !parent.isDirectory()) {
            throw new IllegalArgumentException("statsFile " + statsFile + ": directory " + parent
                    + " does not exist (a local path on the driver)");
        }
        return statsFile;
    }

    /** Opens the dataset and resolves the spec; every check that needs only metadata (and one small job). */
    static TrainSetup setup(TrainConfig config, SparkSession spark) throws IOException {
        PreppedDataset dataset = PreppedDataset.open(spark, config.dataset());
        DatasetManifest manifest = dataset.manifest();
        ClassTable classes = manifest.classTable();
        SegmentationSpec spec = config.model();
        InputChecks.requireSameClassCount(spec, "the model (model.numClasses)", classes, "dataset " + dataset.path());
        long trainSamples = manifest.requireSamples("trainSplit", config.trainSplit(), dataset.path());
        long valSamples = config.validates() ? manifest.requireSamples("valSplit", config.valSplit(), dataset.path()) : 0;

        int datasetIgnore = classes.ignore().orElse(-1);
        int specIgnore = spec.loss().ignoreLabel();
        if (specIgnore >= 0 && datasetIgnore >= 0 && specIgnore != datasetIgnore) {
            throw new IllegalArgumentException("model.loss.ignoreLabel is " + specIgnore + " but dataset " + dataset.path()
                    + " ignores label " + datasetIgnore + "; set it to " + datasetIgnore + " or -1 (take the dataset's)");
        }
        // Crop padding needs a label the loss ignores: the dataset's, else the first id that is no class.
        int ignore = datasetIgnore >= 0 ? datasetIgnore : specIgnore >= 0 ? specIgnore : classes.numClasses();
        double[] weights = classWeights(config.classWeights(), manifest, dataset.path().toString(), spec);
        spec = spec.toBuilder().loss(new SegmentationSpec.LossSpec(weights, ignore, spec.loss().diceWeight(),
                spec.loss().borderWeight())).build();

        Path manifestFile = new Path(dataset.path(), DatasetManifest.FILE_NAME);
        String manifestJson = HadoopFiles.readString(
                manifestFile.getFileSystem(spark.sparkContext().hadoopConfiguration()), manifestFile);
        List<String> splits = config.validates() ? List.of(config.trainSplit(), config.valSplit())
                : List.of(config.trainSplit());
        InputChecks.requireChannels(dataset.rows().where(functions.col(ShardSchema.SPLIT).isin(splits.toArray())), spec,
                "dataset " + dataset.path() + " in " + splits);
        Row largest = dataset.rows().where(functions.col(ShardSchema.SPLIT).equalTo(config.trainSplit()))
                .agg(functions.max(ShardSchema.HEIGHT), functions.max(ShardSchema.WIDTH)).first();
        if (!largest.isNullAt(0)) {
            CropCheck.requireFits(spec, largest.getInt(0), largest.getInt(1),
                    config.inputScale() != null ? config.inputScale() : 1.0,
                    config.augment().scaleMax(), "dataset " + dataset.path() + " (split " + config.trainSplit() + ")");
        }
        return new TrainSetup(spec, classes, dataset, manifestJson, trainSamples, valSamples);
    }

    /** The loss's class weights {@code weighting} asks for, null for none; the manifest's need its class statistics. */
    static double[] classWeights(ClassWeighting weighting, DatasetManifest manifest, String dataset, SegmentationSpec spec) {
        if (weighting == ClassWeighting.NONE) {
            return null;
        }
        if (weighting == ClassWeighting.SPEC) {
            return spec.loss().classWeights();
        }
        ClassWeights statistics = manifest.classWeights();
        if (statistics == null) {
            throw new IllegalArgumentException("classWeights " + weighting + " needs the class statistics of the dataset "
                    + "manifest, and " + dataset + " has none; prepare the dataset with segpipe prep, or set "
                    + "classWeights to NONE or SPEC");
        }
        return weighting == ClassWeighting.INVERSE_FREQUENCY
                ? toArray(statistics.inverseFrequency(), "inverseFrequency", spec)
                : toArray(statistics.medianFrequency(), "medianFrequency", spec);
    }

    private static double[] toArray(List<Double> weights, String name, SegmentationSpec spec) {
        if (weights == null || weights.size() != spec.numClasses()) {
            throw new IllegalArgumentException("the dataset manifest's " + name + " class weights have "
                    + (weights == null ? 0 : weights.size()) + " entries, the model " + spec.numClasses());
        }
        return weights.stream().mapToDouble(Double::doubleValue).toArray();
    }

}
