package io.segpipe.jobs.train;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.RepartitionStrategy;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.storage.sqlite.J7FileStatsStorage;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.jobs.data.Augmenter;
import io.segpipe.jobs.data.CorruptRowFilter;
import io.segpipe.jobs.eval.SegmentationMetrics;
import io.segpipe.jobs.model.EpochMetrics;
import io.segpipe.jobs.model.MetricsHistory;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.jobs.model.Provenance;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.Json;
import io.segpipe.prep.fs.AtomicFs;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.schema.ShardSchema;
import io.segpipe.prep.schema.SplitStats;

/**
 * Distributed training of a segmentation network on a prepared dataset with DL4J's Spark training
 * masters, writing a {@link ModelDirectory}.
 *
 * <p>Before any training, every input is checked and a problem ends the run with one message: the
 * output exists (without overwrite), the dataset is missing or of another schema version, its class
 * count or ignore label disagree with the model, a split is missing or empty, the images' channels
 * do not match the model, the checkpoint to resume is incomplete or unreadable or of another model,
 * the checkpoint directory holds another run's checkpoints.
 *
 * <p>Per epoch: the learning rate of the schedule is set; the cached train rows are shuffled and
 * augmented into minibatches on the executors ({@link EpochData}); the training master fits them;
 * validation (every {@code validateEvery} epochs) computes the val confusion matrix on the
 * executors ({@link Validator}); the best network by val mIoU is kept; a checkpoint is written
 * atomically; one progress line is logged; early stopping may end the run. The model directory
 * finally receives the best network (the last one without validation).
 *
 * <pre>{@code
 * TrainResult r = TrainJob.run(TrainConfig.fromJson(json), spark);
 * }</pre>
 */
public final class TrainJob {
    /** Aeron 1.39's default publication-unblock timeout is below its client liveness timeout and fails at start. */
    static final String AERON_UNBLOCK_PROPERTY = "aeron.publication.unblock.timeout";
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
    private static final List<String> ROW_COLUMNS = List.of(ShardSchema.ID, ShardSchema.SPLIT, ShardSchema.HEIGHT,
            ShardSchema.WIDTH, ShardSchema.CHANNELS, ShardSchema.IMAGE, ShardSchema.LABEL);

    private TrainJob() {
    }

    /**
     * Trains as configured and writes the model directory.
     *
     * @throws IOException              on file-system failures, a missing dataset or checkpoint problems
     * @throws IllegalArgumentException on input that does not fit the configuration (see the class notes)
     */
    public static TrainResult run(TrainConfig config, SparkSession spark) throws IOException {
        long start = System.nanoTime();
        Nd4jBackend.init();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());

        Path output = new Path(config.output());
        FileSystem outFs = output.getFileSystem(hadoop);
        output = outFs.makeQualified(output);
        AtomicFs.requireWritable(outFs, output, config.overwrite());
        TrainSetup setup = setup(config, spark);

        Checkpoints checkpoints = null;
        if (config.checkpointEvery() > 0 || config.resume()) {
            Path dir = new Path(config.checkpointPath());
            checkpoints = new Checkpoints(dir.getFileSystem(hadoop), dir, config.keepCheckpoints());
        }
        Optional<Checkpoints.Loaded> resumed = Optional.empty();
        if (config.resume()) {
            resumed = checkpoints.newest();
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
        } else if (checkpoints != null && !checkpoints.list().isEmpty()) {
            if (!config.overwrite()) {
                throw new IllegalArgumentException("checkpoint directory " + checkpoints.dir() + " holds checkpoints of an"
                        + " earlier run (newest " + checkpoints.list().get(checkpoints.list().size() - 1).getName()
                        + "); set resume to continue it, overwrite to discard them, or choose another checkpointDir");
            }
            checkpoints.clear();
        }
        File statsFile = config.statsFile().isBlank() ? null : new File(config.statsFile());
        if (statsFile != null && statsFile.getAbsoluteFile().getParentFile() != null
                && !statsFile.getAbsoluteFile().getParentFile().isDirectory()) {
            throw new IllegalArgumentException("statsFile " + statsFile + ": directory "
                    + statsFile.getAbsoluteFile().getParentFile() + " does not exist (a local path on the driver)");
        }
        return new Run(config, spark, sc, setup, checkpoints, resumed.orElse(null), statsFile, output, start).train();
    }

    /** Opens the dataset and resolves the spec; every check that needs only metadata (and one small job). */
    static TrainSetup setup(TrainConfig config, SparkSession spark) throws IOException {
        PreppedDataset dataset = PreppedDataset.open(spark, config.dataset());
        DatasetManifest manifest = dataset.manifest();
        ClassTable classes = manifest.classTable();
        SegmentationSpec spec = config.model();
        if (classes.numClasses() != spec.numClasses()) {
            throw new IllegalArgumentException("class count mismatch: model.numClasses is " + spec.numClasses()
                    + " but dataset " + dataset.path() + " has " + classes.numClasses() + " classes "
                    + java.util.Arrays.toString(classes.names()));
        }
        long trainSamples = requireSamples(manifest, config.trainSplit(), dataset.path(), "trainSplit");
        long valSamples = config.validates() ? requireSamples(manifest, config.valSplit(), dataset.path(), "valSplit") : 0;

        int datasetIgnore = classes.ignore().orElse(-1);
        int specIgnore = spec.loss().ignoreLabel();
        if (specIgnore >= 0 && datasetIgnore >= 0 && specIgnore != datasetIgnore) {
            throw new IllegalArgumentException("model.loss.ignoreLabel is " + specIgnore + " but dataset " + dataset.path()
                    + " ignores label " + datasetIgnore + "; set it to " + datasetIgnore + " or -1 (take the dataset's)");
        }
        // Crop padding needs a label the loss ignores: the dataset's, else the first id that is no class.
        int ignore = datasetIgnore >= 0 ? datasetIgnore : specIgnore >= 0 ? specIgnore : classes.numClasses();
        double[] weights = switch (config.classWeights()) {
            case NONE -> null;
            case SPEC -> spec.loss().classWeights();
            case INVERSE_FREQUENCY -> toArray(manifest.classWeights().inverseFrequency(), "inverseFrequency", spec);
            case MEDIAN_FREQUENCY -> toArray(manifest.classWeights().medianFrequency(), "medianFrequency", spec);
        };
        spec = spec.toBuilder().loss(new SegmentationSpec.LossSpec(weights, ignore, spec.loss().diceWeight())).build();

        String manifestJson = readString(dataset.path(), DatasetManifest.FILE_NAME,
                spark.sparkContext().hadoopConfiguration());
        requireChannels(dataset, config, spec);
        return new TrainSetup(spec, classes, dataset, manifestJson, trainSamples, valSamples);
    }

    private static long requireSamples(DatasetManifest manifest, String split, String path, String field) {
        SplitStats stats = manifest.splits().get(split);
        if (stats == null) {
            throw new IllegalArgumentException(field + " " + split + ": dataset " + path + " has no such split; it has "
                    + manifest.splits().keySet());
        }
        if (stats.samples() == 0) {
            throw new IllegalArgumentException("empty input: " + field + " " + split + " of dataset " + path
                    + " has no samples");
        }
        return stats.samples();
    }

    private static double[] toArray(List<Double> weights, String name, SegmentationSpec spec) {
        if (weights == null || weights.size() != spec.numClasses()) {
            throw new IllegalArgumentException("the dataset manifest's " + name + " class weights have "
                    + (weights == null ? 0 : weights.size()) + " entries, the model " + spec.numClasses());
        }
        return weights.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** One small job over an int column: every image must have the model's channel count. */
    private static void requireChannels(PreppedDataset dataset, TrainConfig config, SegmentationSpec spec) {
        List<String> splits = new ArrayList<>(List.of(config.trainSplit()));
        if (config.validates()) {
            splits.add(config.valSplit());
        }
        List<Row> found = dataset.rows().where(functions.col(ShardSchema.SPLIT).isin(splits.toArray()))
                .groupBy(ShardSchema.CHANNELS).count().collectAsList();
        for (Row r : found) {
            if (r.getInt(0) != spec.inputChannels()) {
                throw new IllegalArgumentException("dataset " + dataset.path() + " holds " + r.getLong(1) + " image(s) with "
                        + r.getInt(0) + " channel(s) in " + splits + " but model.inputChannels is " + spec.inputChannels());
            }
        }
    }

    static String readString(String dir, String name, Configuration conf) throws IOException {
        Path file = new Path(dir, name);
        try (FSDataInputStream in = file.getFileSystem(conf).open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The state of one training run. */
    private static final class Run {
        private final TrainConfig config;
        private final SparkSession spark;
        private final JavaSparkContext sc;
        private final TrainSetup setup;
        private final Checkpoints checkpoints;
        private final Checkpoints.Loaded resumed;
        private final File statsFile;
        private final Path output;
        private final long start;
        private final String startedAt;
        private final int workers;
        private final int threads;

        Run(TrainConfig config, SparkSession spark, JavaSparkContext sc, TrainSetup setup, Checkpoints checkpoints,
            Checkpoints.Loaded resumed, File statsFile, Path output, long start) {
            this.config = config;
            this.spark = spark;
            this.sc = sc;
            this.setup = setup;
            this.checkpoints = checkpoints;
            this.resumed = resumed;
            this.statsFile = statsFile;
            this.output = output;
            this.start = start;
            this.startedAt = resumed != null ? resumed.state().startedAt() : Instant.now().toString();
            this.workers = config.master().workers() > 0 ? config.master().workers() : sc.defaultParallelism();
            this.threads = config.master().threadsPerTask() > 0 ? config.master().threadsPerTask()
                    : spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
        }

        /**
         * Copies the weights of the model directory {@code dir} into {@code net} (warm start); the
         * optimiser state stays fresh. The networks must have the same layers and parameter count.
         */
        private void warmStart(ComputationGraph net, String dir) throws IOException {
            ComputationGraph initial = ModelDirectory.read(dir, spark.sparkContext().hadoopConfiguration()).network();
            if (!initial.getConfiguration().getVertices().keySet().equals(net.getConfiguration().getVertices().keySet())
                    || initial.numParams() != net.numParams()) {
                throw new IllegalArgumentException("initialModel " + dir + " does not fit the configured model: it has "
                        + initial.numParams() + " parameters in " + initial.getConfiguration().getVertices().size()
                        + " vertices, the configured " + setup.spec().architecture() + " " + net.numParams() + " in "
                        + net.getConfiguration().getVertices().size());
            }
            net.setParams(initial.params());
            LOG.info("Warm start from {}", dir);
        }

        TrainResult train() throws IOException {
            SegmentationSpec spec = setup.spec();
            ComputationGraph net = resumed != null ? resumed.network() : Networks.create(spec, config.optimizer());
            if (resumed == null && !config.initialModel().isBlank()) {
                warmStart(net, config.initialModel());
            }
            MetricsHistory history = resumed != null ? resumed.state().metrics() : MetricsHistory.empty();
            int firstEpoch = resumed != null ? resumed.state().epoch() : 0;
            int noImprovement = resumed != null ? resumed.state().validationsWithoutImprovement() : 0;
            ComputationGraph best = null;
            EpochMetrics bestMetrics = history.best().orElse(null);
            if (resumed != null && checkpoints != null && bestMetrics != null) {
                Optional<Checkpoints.Loaded> b = checkpoints.best();
                if (b.isPresent() && b.get().state().epoch() == bestMetrics.epoch()) {
                    best = b.get().network();
                } else {
                    LOG.warn("resume: the best network (epoch {}) is not in {}; the best is tracked from here on",
                            bestMetrics.epoch(), checkpoints.dir());
                    bestMetrics = null;
                }
            }
            if (resumed != null) {
                LOG.info("Resuming from {} after epoch {}", resumed.path(), firstEpoch);
            }
            LOG.info("Training {} ({} parameters) on {} train / {} val samples of {}: {} workers x batch {}, {} epochs, {}",
                    spec.architecture(), net.numParams(), setup.trainSamples(), setup.valSamples(), setup.dataset().path(),
                    workers, config.master().batchSizePerWorker(), config.epochs(), config.master().mode());

            LongAccumulator skipped = sc.sc().longAccumulator("segpipe corrupt rows");
            CollectionAccumulator<String> skippedIds = sc.sc().collectionAccumulator("segpipe corrupt row ids");
            CorruptRowFilter decoder = new CorruptRowFilter(setup.dataset().decoder(config.normalization()), skipped,
                    skippedIds);
            int ignore = spec.loss().ignoreLabel();
            EpochData epochData = new EpochData(decoder,
                    new Augmenter(config.augment(), spec.inputHeight(), spec.inputWidth(), ignore), config.inputScale(),
                    spec, config.master().batchSizePerWorker(), config.seed(), threads);
            Validator validator = new Validator(decoder, config.inputScale(), setup.classes(), config.valBatchSize(), threads);
            JavaRDD<Row> trainRows = cachedRows(config.trainSplit());
            JavaRDD<Row> valRows = config.validates() ? cachedRows(config.valSplit()) : null;
            LossListener loss = new LossListener(sc.sc().doubleAccumulator("segpipe train loss"),
                    sc.sc().longAccumulator("segpipe train minibatches"));
            StatsStorage stats = statsFile == null ? null : new J7FileStatsStorage(statsFile);
            TrainingMaster shared = config.master().mode() == MasterConfig.Mode.SHARED_GRADIENTS ? sharedMaster() : null;

            int epochsThisRun = 0;
            boolean stoppedEarly = false;
            long skippedTotal = 0;
            double runSeconds = 0;
            try {
                for (int epoch = firstEpoch; epoch < config.epochs(); epoch++) {
                    int number = epoch + 1;
                    long epochStart = System.nanoTime();
                    double lr = config.optimizer().learningRate(epoch, config.epochs());
                    net.setLearningRate(lr);
                    Nd4j.getRandom().setSeed(config.seed() * 31 + epoch);
                    sc.setJobDescription(String.format(Locale.ROOT, "segpipe train: epoch %d/%d (training)", number,
                            config.epochs()));
                    loss.reset();
                    long skippedBefore = skipped.value();
                    int idsBefore = skippedIds.value().size();
                    JavaRDD<MultiDataSet> data = epochData.epoch(trainRows, epoch, workers);
                    TrainingMaster master = shared != null ? shared : averagingMaster(epoch);
                    SparkComputationGraph sparkNet = new SparkComputationGraph(sc, net, master);
                    List<TrainingListener> listeners = new ArrayList<>();
                    listeners.add(loss);
                    if (stats != null) {
                        listeners.add(new StatsListener(null));
                        sparkNet.setListeners(stats, listeners);
                    } else {
                        sparkNet.setListeners(listeners);
                    }
                    sparkNet.fitMultiDataSet(data);
                    data.unpersist(false);
                    net = sparkNet.getNetwork();
                    double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
                    long skippedNow = skipped.value() - skippedBefore;
                    List<String> ids = new ArrayList<>(skippedIds.value());
                    TreeSet<String> newIds = new TreeSet<>(ids.subList(Math.min(idsBefore, ids.size()), ids.size()));
                    if (!newIds.isEmpty()) {
                        LOG.warn("Epoch {}: skipped {} corrupt row(s): {}", number, newIds.size(), newIds);
                    }
                    long images = Math.max(0, setup.trainSamples() - newIds.size());

                    double spent = (System.nanoTime() - start) / 1e9;
                    boolean outOfTime = config.maxMinutes() > 0 && number < config.epochs()
                            && spent + (runSeconds + trainSeconds) / (epochsThisRun + 1) > config.maxMinutes() * 60;
                    SegmentationMetrics val = null;
                    double valSeconds = 0;
                    if (config.validatesAfter(number) || (outOfTime && config.validates())) {
                        long v0 = System.nanoTime();
                        sc.setJobDescription(String.format(Locale.ROOT, "segpipe train: epoch %d/%d (validation)",
                                number, config.epochs()));
                        val = validator.validate(sc, valRows, net, setup, "epoch " + number);
                        valSeconds = (System.nanoTime() - v0) / 1e9;
                    }
                    skippedNow = skipped.value() - skippedBefore; // training and validation
                    skippedTotal += skippedNow;
                    EpochMetrics m = new EpochMetrics(number, loss.mean(), lr, images, trainSeconds,
                            images / trainSeconds, skippedNow, val == null ? null : val.meanIoU(),
                            val == null ? null : val.pixelAccuracy(),
                            val == null ? null : val.perClass().stream().map(SegmentationMetrics.ClassMetrics::iou).toList(),
                            valSeconds);
                    history = history.plus(m);
                    boolean improved = false;
                    if (val != null && !Double.isNaN(val.meanIoU())) {
                        double previous = bestMetrics == null ? Double.NEGATIVE_INFINITY : bestMetrics.valMeanIoU();
                        if (val.meanIoU() > previous + config.earlyStoppingMinDelta()) {
                            noImprovement = 0;
                        } else {
                            noImprovement++;
                        }
                        if (val.meanIoU() > previous) {
                            best = net.clone();
                            bestMetrics = m;
                            improved = true;
                        }
                    }
                    Checkpoints.State state = new Checkpoints.State(Checkpoints.FORMAT, number, config.seed(), startedAt,
                            spec, config.toJson(), history, noImprovement);
                    if (checkpoints != null && improved) {
                        checkpoints.writeBest(best, state);
                    }
                    if (checkpoints != null && (config.checkpointsAfter(number) || outOfTime)) {
                        checkpoints.write(net, state);
                    }
                    epochsThisRun++;
                    runSeconds += (System.nanoTime() - epochStart) / 1e9;
                    logProgress(m, bestMetrics, runSeconds / epochsThisRun * (config.epochs() - number));
                    if (outOfTime) {
                        LOG.info("Stopping after epoch {}: another epoch would exceed maxMinutes={} ({} spent)", number,
                                config.maxMinutes(), duration((System.nanoTime() - start) / 1e9));
                        stoppedEarly = true;
                        break;
                    }
                    if (config.earlyStoppingPatience() > 0 && noImprovement >= config.earlyStoppingPatience()
                            && number < config.epochs()) {
                        LOG.info("Early stopping after epoch {}: no val mIoU gain above {} in {} validations (best {} at"
                                        + " epoch {})", number, config.earlyStoppingMinDelta(), noImprovement,
                                fmt(bestMetrics.valMeanIoU()), bestMetrics.epoch());
                        stoppedEarly = true;
                        break;
                    }
                }
            } finally {
                sc.setJobDescription(null);
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

            ComputationGraph model = best != null ? best : net;
            EpochMetrics last = history.last().orElseThrow();
            EpochMetrics modelMetrics = bestMetrics != null ? bestMetrics : last;
            Provenance provenance = new Provenance(ModelDirectory.FORMAT, ModelDirectory.FORMAT_VERSION,
                    Provenance.segpipeVersion(), io.segpipe.model.backend.StackVersions.dl4j(),
                    spark.version(), Runtime.version().toString(), config.seed(), startedAt, Instant.now().toString(),
                    hosts(), config.master().mode().name(), Json.mapper().valueToTree(config.master()),
                    setup.dataset().path(), ModelDirectory.sha256(setup.manifestJson()), last.epoch(),
                    modelMetrics.epoch(), modelMetrics.valMeanIoU(), resumed == null ? null : resumed.path());
            ModelDirectory.write(output.toString(), spark.sparkContext().hadoopConfiguration(), model,
                    new ModelDirectory.Info(setup.spec(), config.toJson(), setup.manifestJson(), history, provenance),
                    config.overwrite());
            double seconds = (System.nanoTime() - start) / 1e9;
            LOG.info("Trained {} epoch(s) in {}; model of epoch {} (val mIoU {}) written to {}", epochsThisRun,
                    duration(seconds), modelMetrics.epoch(), fmt(modelMetrics.valMeanIoU()), output);
            List<WorkerMemory> workerMemory = WorkerMemory.probe(sc);
            LOG.info("Peak resident memory of the training JVMs (size executor memory + overhead above it): {}",
                    workerMemory.stream().map(WorkerMemory::describe).toList());
            return new TrainResult(output.toString(), checkpoints == null ? "" : checkpoints.dir().toString(),
                    last.epoch(), epochsThisRun, stoppedEarly, modelMetrics.epoch(), modelMetrics.valMeanIoU(), last,
                    history, skippedTotal, seconds, resumed == null ? null : resumed.path(), workerMemory);
        }

        /** The rows of a split with the columns the decoder reads, cached (compressed bytes) for all epochs. */
        private JavaRDD<Row> cachedRows(String split) {
            JavaRDD<Row> rows = setup.dataset().rows(split)
                    .select(ROW_COLUMNS.stream().map(functions::col).toArray(org.apache.spark.sql.Column[]::new))
                    .javaRDD();
            return rows.persist(StorageLevel.MEMORY_AND_DISK());
        }

        private TrainingMaster averagingMaster(int epoch) {
            MasterConfig m = config.master();
            return new ParameterAveragingTrainingMaster.Builder(workers, m.batchSizePerWorker())
                    .batchSizePerWorker(m.batchSizePerWorker())
                    .averagingFrequency(m.averagingFrequency())
                    .aggregationDepth(m.aggregationDepth())
                    .workerPrefetchNumBatches(m.prefetchBatches())
                    .storageLevel(storageLevel(m.storageLevel()))
                    .repartionData(repartition(m.repartition()))
                    .repartitionStrategy(strategy(m.repartitionStrategy()))
                    .rddTrainingApproach(RDDTrainingApproach.Direct)
                    .rngSeed(config.seed() * 1_000_003L + epoch)
                    .saveUpdater(true)
                    .collectTrainingStats(false)
                    .build();
        }

        private TrainingMaster sharedMaster() {
            if (System.getProperty(AERON_UNBLOCK_PROPERTY) == null) {
                System.setProperty(AERON_UNBLOCK_PROPERTY, "60000000000");
            }
            MasterConfig m = config.master();
            VoidConfiguration.VoidConfigurationBuilder voidConf = VoidConfiguration.builder()
                    .unicastPort(m.unicastPort()).networkMask(m.networkMask());
            if (!m.controllerAddress().isBlank()) {
                voidConf.controllerAddress(m.controllerAddress());
            }
            return new SharedTrainingMaster.Builder(voidConf.build(), m.batchSizePerWorker())
                    .batchSizePerWorker(m.batchSizePerWorker())
                    .thresholdAlgorithm(new AdaptiveThresholdAlgorithm(m.updatesThreshold()))
                    .workersPerNode(1)
                    .workerPrefetchNumBatches(m.prefetchBatches())
                    .storageLevel(storageLevel(m.storageLevel()))
                    .repartitionData(repartition(m.repartition()))
                    .repartitionStrategy(strategy(m.repartitionStrategy()))
                    .rddTrainingApproach(RDDTrainingApproach.Direct)
                    .rngSeed(config.seed())
                    .collectTrainingStats(false)
                    .build();
        }

        private List<String> hosts() {
            TreeSet<String> hosts = new TreeSet<>();
            for (SparkExecutorInfo e : spark.sparkContext().statusTracker().getExecutorInfos()) {
                hosts.add(e.host());
            }
            return List.copyOf(hosts);
        }

        private void logProgress(EpochMetrics m, EpochMetrics best, double etaSeconds) {
            String val = m.validated()
                    ? String.format(Locale.ROOT, "  val mIoU %s  pixel acc %s  (best %s @%d)", fmt(m.valMeanIoU()),
                    fmt(m.valPixelAccuracy()), fmt(best == null ? null : best.valMeanIoU()), best == null ? 0 : best.epoch())
                    : "";
            LOG.info(String.format(Locale.ROOT, "epoch %d/%d  loss %.4f  lr %.3g  %.2f img/s%s%s  ETA %s", m.epoch(),
                    config.epochs(), m.loss(), m.learningRate(), m.imagesPerSecond(), val,
                    m.skippedRows() > 0 ? "  skipped " + m.skippedRows() : "", duration(etaSeconds)));
        }
    }

    static StorageLevel storageLevel(String name) {
        return "NONE".equals(name) ? null : StorageLevel.fromString(name);
    }

    static Repartition repartition(String name) {
        return switch (name) {
            case "ALWAYS" -> Repartition.Always;
            case "NEVER" -> Repartition.Never;
            default -> Repartition.NumPartitionsWorkersDiffers;
        };
    }

    static RepartitionStrategy strategy(String name) {
        return switch (name) {
            case "APPROXIMATE_BALANCED" -> RepartitionStrategy.ApproximateBalanced;
            case "SPARK_DEFAULT" -> RepartitionStrategy.SparkDefault;
            default -> RepartitionStrategy.Balanced;
        };
    }

    static String fmt(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String duration(double seconds) {
        Duration d = Duration.ofSeconds(Math.round(seconds));
        return String.format(Locale.ROOT, "%02d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }
}
