package io.segpipe.jobs.train;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.jobs.eval.SegmentationMetrics;
import io.segpipe.jobs.model.EpochMetrics;
import io.segpipe.jobs.model.InferenceDefaults;
import io.segpipe.jobs.model.MetricsHistory;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.jobs.model.Provenance;
import io.segpipe.prep.Json;
import io.segpipe.prep.schema.DatasetManifest;

/**
 * One training run after {@link TrainJob#run} checked its inputs: the epoch loop and what it
 * decides. Each epoch trains ({@link SparkEpochs}), validates when due, offers the network to the
 * {@link BestModel}, counts towards {@link EarlyStopping}, writes its checkpoint and logs one line;
 * the {@link TimeBudget} or early stopping may end the run. The model directory then receives the
 * best network, or the last one without validation.
 */
final class TrainingRun {
    /** Logged under the job's name: these are the job's progress lines. */
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

    private final TrainConfig config;
    private final SparkSession spark;
    private final JavaSparkContext sc;
    private final TrainSetup setup;
    private final Checkpoints checkpoints;
    private final Checkpoints.Loaded resumed;
    private final File statsFile;
    private final MetricsLog metricsLog;
    private final Path output;
    private final TimeBudget budget;
    private final String startedAt;
    private final int workers;
    private final int threads;

    /**
     * @param checkpoints the run's checkpoints, or null when it writes none
     * @param resumed     the checkpoint to continue, or null
     * @param statsFile   DL4J UI statistics file, or null
     * @param metricsLog  the live metrics file beside the checkpoints, or null
     * @param budget      started when the call started
     */
    TrainingRun(TrainConfig config, SparkSession spark, TrainSetup setup, Checkpoints checkpoints,
                Checkpoints.Loaded resumed, File statsFile, MetricsLog metricsLog, Path output,
                TimeBudget budget) {
        this.config = config;
        this.spark = spark;
        this.sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        this.setup = setup;
        this.checkpoints = checkpoints;
        this.resumed = resumed;
        this.statsFile = statsFile;
        this.metricsLog = metricsLog;
        this.output = output;
        this.budget = budget;
        this.startedAt = resumed != null ? resumed.state().startedAt() : Instant.now().toString();
        this.workers = config.master().workers() > 0 ? config.master().workers() : sc.defaultParallelism();
        this.threads = config.master().threadsPerTask() > 0 ? config.master().threadsPerTask()
                : spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
    }

    /** What one epoch's training gave. */
    private record Trained(ComputationGraph network, double learningRate, double seconds, long images,
                           SkippedRows.Mark skippedBefore) {
    }

    /** Trains the remaining epochs and writes the model directory. */
    TrainResult train() throws IOException {
        ComputationGraph net = initialNetwork();
        MetricsHistory history = resumed != null ? resumed.state().metrics() : MetricsHistory.empty();
        BestModel<ComputationGraph> best = initialBest(history);
        EarlyStopping stopping = new EarlyStopping(config.earlyStoppingPatience(), config.earlyStoppingMinDelta(),
                best.meanIoU(), resumed != null ? resumed.state().validationsWithoutImprovement() : 0);
        logStart(net);
        boolean stoppedEarly = false;
        long skippedTotal = 0;
        try (SparkEpochs epochs = new SparkEpochs(config, setup, sc, workers, threads, statsFile, metricsLog,
                budget)) {
            for (int epoch = resumed != null ? resumed.state().epoch() : 0; epoch < config.epochs(); epoch++) {
                int number = epoch + 1;
                long epochStart = budget.now();
                Trained trained = trainEpoch(epochs, net, epoch, epochStart);
                net = trained.network();
                boolean outOfTime = number < config.epochs() && budget.anotherEpochExceeds(trained.seconds());
                EpochMetrics m = measureEpoch(epochs, trained, number, outOfTime);
                history = history.plus(m);
                skippedTotal += m.skippedRows();
                boolean improved = best.offer(m, net::clone);
                stopping.record(m.valMeanIoU());
                if (metricsLog != null) { // before the checkpoint: a resume from it never lacks the epoch's line
                    metricsLog.epoch(m, config.epochs(), best.metrics().orElse(null));
                }
                checkpoint(net, best, improved, history, stopping, number, outOfTime);
                budget.epochFinished(epochStart);
                logProgress(m, best.metrics().orElse(null), budget.etaSeconds(config.epochs() - number));
                stoppedEarly = outOfTime || (number < config.epochs() && stopping.shouldStop());
                if (stoppedEarly) {
                    logStop(number, outOfTime, stopping, best);
                    break;
                }
            }
        }
        return finish(best.model().orElse(net), history, best.metrics(), stoppedEarly, skippedTotal);
    }

    /** The resumed checkpoint's network, else a new one (from {@code initialModel}'s weights when set). */
    private ComputationGraph initialNetwork() throws IOException {
        if (resumed != null) {
            return resumed.network();
        }
        ComputationGraph net = Networks.create(setup.spec(), config.optimizer());
        if (!config.initialModel().isBlank()) {
            warmStart(net, config.initialModel());
        }
        return net;
    }

    /**
     * Copies the weights of the model directory {@code dir} into {@code net} (warm start); the
     * optimiser state stays fresh. The networks must have the same layers and parameter count.
     */
    /**
     * Loads the initial model's parameters into {@code net}. The configured network may extend the
     * initial one (e.g. deep supervision's side heads added to a model trained without them): every
     * parameter array of the initial model must be in {@code net} under the same name with the same
     * shape, and the arrays only {@code net} has keep their initialisation (logged).
     */
    private void warmStart(ComputationGraph net, String dir) throws IOException {
        ComputationGraph initial = ModelDirectory.read(dir, spark.sparkContext().hadoopConfiguration()).network();
        Map<String, INDArray> from = initial.paramTable();
        Map<String, INDArray> to = net.paramTable();
        List<String> misfits = from.entrySet().stream()
                .filter(e -> !to.containsKey(e.getKey()) || !Arrays.equals(to.get(e.getKey()).shape(), e.getValue().shape()))
                .map(e -> e.getKey() + " " + Arrays.toString(e.getValue().shape()) + (to.containsKey(e.getKey())
                        ? " (configured: " + Arrays.toString(to.get(e.getKey()).shape()) + ")" : " (not in the configured model)"))
                .sorted().toList();
        if (!misfits.isEmpty()) {
            throw new IllegalArgumentException("initialModel " + dir + " does not fit the configured model: it has "
                    + initial.numParams() + " parameters in " + initial.getConfiguration().getVertices().size()
                    + " vertices, the configured " + setup.spec().architecture() + " " + net.numParams() + " in "
                    + net.getConfiguration().getVertices().size() + "; " + misfits.size() + " of its parameter arrays do"
                    + " not fit, e.g. " + String.join(", ", misfits.subList(0, Math.min(3, misfits.size()))));
        }
        from.forEach((name, values) -> to.get(name).assign(values));
        List<String> fresh = to.keySet().stream().filter(name -> !from.containsKey(name)).sorted().toList();
        if (fresh.isEmpty()) {
            LOG.info("Warm start from {}", dir);
        } else {
            LOG.info("Warm start from {}: {} parameter arrays of layers it does not have start from their initialisation: {}",
                    dir, fresh.size(), String.join(", ", fresh));
        }
    }

    /**
     * The best network of the epochs before a resume, from the checkpoint directory's best-model
     * checkpoint; none when it is missing or of another epoch (the best is then tracked from here on).
     */
    private BestModel<ComputationGraph> initialBest(MetricsHistory history) throws IOException {
        Optional<EpochMetrics> bestEpoch = history.best();
        if (resumed == null || bestEpoch.isEmpty()) {
            return BestModel.none();
        }
        Optional<Checkpoints.Loaded> saved = checkpoints.best();
        if (saved.isPresent() && saved.get().state().epoch() == bestEpoch.get().epoch()) {
            return BestModel.of(saved.get().network(), bestEpoch.get());
        }
        LOG.warn("resume: the best network (epoch {}) is not in {}; the best is tracked from here on",
                bestEpoch.get().epoch(), checkpoints.dir());
        return BestModel.none();
    }

    /** Images per minibatch across all workers: what the learning rate follows (OptimizerConfig). */
    private int globalBatch() {
        return workers * config.master().batchSizePerWorker();
    }

    private void logStart(ComputationGraph net) {
        if (resumed != null) {
            LOG.info("Resuming from {} after epoch {}", resumed.path(), resumed.state().epoch());
        }
        LOG.info("Training {} ({} parameters) on {} train / {} val samples of {}: {} workers x batch {}, {} epochs, {}",
                setup.spec().architecture(), net.numParams(), setup.trainSamples(), setup.valSamples(),
                setup.dataset().path(), workers, config.master().batchSizePerWorker(), config.epochs(),
                config.master().mode());
        OptimizerConfig optimizer = config.optimizer();
        if (optimizer.referenceBatch() > 0) {
            LOG.info("Learning rate {} was tuned for a global batch of {}; this run's is {} ({} workers x {}): x{} "
                    + "({} rule{})", optimizer.learningRate(), optimizer.referenceBatch(), globalBatch(), workers,
                    config.master().batchSizePerWorker(), String.format(Locale.ROOT, "%.3f",
                            optimizer.batchFactor(globalBatch())), optimizer.rule(), optimizer.warmupEpochs() > 0
                            ? ", reached after " + optimizer.warmupEpochs() + " warm-up epochs" : "");
        }
    }

    /**
     * Fits 0-based {@code epoch}, which started at {@code epochStart}; logs the corrupt rows it
     * skipped and stops the run when the train split has more than {@code maxCorruptFraction}.
     */
    private Trained trainEpoch(SparkEpochs epochs, ComputationGraph net, int epoch, long epochStart) {
        SkippedRows.Mark skippedBefore = epochs.trainSkipped().mark();
        double lr = config.optimizer().learningRate(epoch, config.epochs(), globalBatch());
        ComputationGraph trained = epochs.fit(net, epoch, lr);
        double seconds = budget.secondsSince(epochStart);
        SortedSet<String> skippedIds = epochs.trainSkipped().idsSince(skippedBefore);
        if (!skippedIds.isEmpty()) {
            LOG.warn("Epoch {}: skipped {} corrupt row(s) of {}: {}", epoch + 1, skippedIds.size(), config.trainSplit(),
                    skippedIds);
        }
        requireFewCorruptRows(epochs.trainSkipped());
        long images = Math.max(0, setup.trainSamples() - skippedIds.size());
        return new Trained(trained, lr, seconds, images, skippedBefore);
    }

    /**
     * Validates when due (and before the time budget ends the run) and returns the epoch's metrics;
     * its skipped rows count those of training and validation.
     */
    private EpochMetrics measureEpoch(SparkEpochs epochs, Trained trained, int number, boolean outOfTime) {
        SegmentationMetrics val = null;
        double valSeconds = 0;
        long valSkipped = 0;
        if (config.validatesAfter(number) || (outOfTime && config.validates())) {
            SkippedRows.Mark before = epochs.valSkipped().mark();
            long start = budget.now();
            val = epochs.validate(trained.network(), number);
            valSeconds = budget.secondsSince(start);
            valSkipped = epochs.valSkipped().countSince(before);
            requireFewCorruptRows(epochs.valSkipped());
        }
        long skipped = epochs.trainSkipped().countSince(trained.skippedBefore()) + valSkipped;
        return new EpochMetrics(number, epochs.loss(), trained.learningRate(), trained.images(), trained.seconds(),
                trained.images() / trained.seconds(), skipped,
                val == null ? null : val.meanIoU(), val == null ? null : val.pixelAccuracy(),
                val == null ? null : val.perClass().stream().map(SegmentationMetrics.ClassMetrics::iou).toList(),
                valSeconds);
    }

    /**
     * Stops the run (before the epoch's checkpoint) when the distinct rows of {@code skipped}'s split
     * skipped so far exceed {@code maxCorruptFraction} of the split's rows.
     */
    private void requireFewCorruptRows(SkippedRows skipped) {
        setup.dataset().checkCorruptRows(skipped.split(), skipped.ids(), config.corruptRowLimit());
    }

    /**
     * Replaces the best-model checkpoint when the epoch improved it, and writes the epoch's
     * checkpoint when due or when the time budget ends the run.
     */
    private void checkpoint(ComputationGraph net, BestModel<ComputationGraph> best, boolean improved,
                            MetricsHistory history, EarlyStopping stopping, int number, boolean outOfTime)
            throws IOException {
        if (checkpoints == null) {
            return;
        }
        Checkpoints.State state = new Checkpoints.State(Checkpoints.FORMAT, number, config.seed(), startedAt,
                setup.spec(), config.toJson(), history, stopping.validationsWithoutImprovement());
        if (improved) {
            checkpoints.writeBest(best.model().orElseThrow(), state);
        }
        if (config.checkpointsAfter(number) || outOfTime) {
            checkpoints.write(net, state);
        }
    }

    private void logProgress(EpochMetrics m, EpochMetrics best, double etaSeconds) {
        String val = m.validated()
                ? String.format(Locale.ROOT, "  val mIoU %s  pixel acc %s  (best %s @%d)", fmt(m.valMeanIoU()),
                fmt(m.valPixelAccuracy()), fmt(best == null ? null : best.valMeanIoU()), best == null ? 0 : best.epoch())
                : "";
        LOG.info(String.format(Locale.ROOT, "epoch %d/%d  loss/pixel %.4f  lr %.3g  %.2f img/s%s%s  ETA %s%s", m.epoch(),
                config.epochs(), m.loss(), m.learningRate(), m.imagesPerSecond(), val,
                m.skippedRows() > 0 ? "  skipped " + m.skippedRows() : "", duration(etaSeconds),
                budget.caps(etaSeconds) ? " (time budget)" : ""));
    }

    private void logStop(int number, boolean outOfTime, EarlyStopping stopping, BestModel<ComputationGraph> best) {
        if (outOfTime) {
            LOG.info("Stopping after epoch {}: another epoch would exceed maxMinutes={} ({} spent)", number,
                    config.maxMinutes(), duration(budget.elapsedSeconds()));
        } else {
            EpochMetrics b = best.metrics().orElseThrow();
            LOG.info("Early stopping after epoch {}: no val mIoU gain above {} in {} validations (best {} at epoch {})",
                    number, config.earlyStoppingMinDelta(), stopping.validationsWithoutImprovement(),
                    fmt(b.valMeanIoU()), b.epoch());
        }
    }

    /** Writes the model directory with its provenance and returns what the run did. */
    private TrainResult finish(ComputationGraph model, MetricsHistory history, Optional<EpochMetrics> best,
                               boolean stoppedEarly, long skippedRows) throws IOException {
        EpochMetrics last = history.last().orElseThrow();
        EpochMetrics modelMetrics = best.orElse(last);
        String resumedFrom = resumed == null ? null : resumed.path();
        Provenance provenance = new Provenance(ModelDirectory.FORMAT, ModelDirectory.FORMAT_VERSION,
                Provenance.SystemInfo.current(spark.version(), hosts()),
                new Provenance.Training(config.seed(), startedAt, Instant.now().toString(), config.master().mode().name(),
                        Json.mapper().valueToTree(config.master()), last.epoch(), modelMetrics.epoch(),
                        modelMetrics.valMeanIoU(), resumedFrom),
                new Provenance.Data(setup.dataset().path(), DatasetManifest.sha256(setup.manifestJson())));
        ModelDirectory.write(output.toString(), spark.sparkContext().hadoopConfiguration(), model,
                new ModelDirectory.Info(setup.spec(), config.toJson(), setup.manifestJson(), history, provenance,
                        new InferenceDefaults(config.normalization(), config.inputScale(),
                                Validator.inference(config.valBatchSize()))),
                config.overwrite());
        double seconds = budget.elapsedSeconds();
        LOG.info("Trained {} epoch(s) in {}; model of epoch {} (val mIoU {}) written to {}", budget.epochsFinished(),
                duration(seconds), modelMetrics.epoch(), fmt(modelMetrics.valMeanIoU()), output);
        List<WorkerMemory> workerMemory = WorkerMemory.probe(sc);
        LOG.info("Peak resident memory of the training JVMs (size executor memory + overhead above it): {}",
                workerMemory.stream().map(WorkerMemory::describe).toList());
        return new TrainResult(output.toString(), checkpoints == null ? "" : checkpoints.dir().toString(),
                last.epoch(), budget.epochsFinished(), stoppedEarly, modelMetrics.epoch(), modelMetrics.valMeanIoU(),
                last, history, skippedRows, seconds, resumedFrom, workerMemory);
    }

    private List<String> hosts() {
        TreeSet<String> hosts = new TreeSet<>();
        for (SparkExecutorInfo e : spark.sparkContext().statusTracker().getExecutorInfos()) {
            hosts.add(e.host());
        }
        return List.copyOf(hosts);
    }

    private static String fmt(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String duration(double seconds) {
        Duration d = Duration.ofSeconds(Math.round(seconds));
        return String.format(Locale.ROOT, "%02d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }
}
