package io.segpipe.jobs.retrain;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.jobs.eval.EvalConfig;
import io.segpipe.jobs.eval.EvalJob;
import io.segpipe.jobs.eval.EvalResult;
import io.segpipe.jobs.registry.HistoryRecord;
import io.segpipe.jobs.registry.LockInfo;
import io.segpipe.jobs.registry.LockSettings;
import io.segpipe.jobs.registry.ModelRegistry;
import io.segpipe.jobs.registry.ProductionPointer;
import io.segpipe.jobs.registry.RegistryLock;
import io.segpipe.jobs.registry.RunOutcome;
import io.segpipe.jobs.registry.VersionInfo;
import io.segpipe.jobs.train.TrainConfig;
import io.segpipe.jobs.train.TrainJob;
import io.segpipe.prep.fs.HadoopFiles;
import io.segpipe.prep.progress.JobDescription;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.schema.DatasetManifest;

/**
 * Scheduled retraining: one run trains a challenger on the current dataset, evaluates it and the
 * production model (the champion) on the same held-out split with the same evaluator
 * ({@link EvalJob}), registers the challenger as a new version, promotes it when the
 * {@link PromotionPolicy} says so, and appends the run to the registry's history.
 *
 * <p>Each model is evaluated with the normalisation and input scale its own training recorded
 * ({@link io.segpipe.jobs.infer.InputSettings}), so a comparison is fair when they were trained
 * differently; a warm-started challenger trains with the champion's unless {@code train} sets them.
 *
 * <p>Steps, all under the registry lock (a second run at the same time fails at once with the
 * holder's name): open the dataset afresh (new shards are included; its manifest hash goes into the
 * history); read the production pointer; train into {@code staging/<run>/model}
 * ({@link TrainJob}); evaluate both models into {@code reports/<run>/{challenger,champion}};
 * decide (a pure function of the two evaluations); write the comparison page
 * ({@code Comparison}, {@code reports/<run>/comparison/}; skipped with a log line when there is no
 * champion); register; promote when decided (one atomic pointer replace); append the history
 * record, which names the comparison page; release.
 * A failure at any step leaves the production pointer as it was, records a FAILED history entry
 * with the error when it can, and rethrows; the next run removes what the failed one left in
 * {@code staging/}.
 *
 * <pre>{@code
 * RetrainResult r = RetrainJob.run(RetrainConfig.fromJson(json), spark);
 * }</pre>
 */
public final class RetrainJob {

    private static final Logger LOG = LoggerFactory.getLogger(RetrainJob.class);

    /** Tests inject failures between steps; called with the name of each step just completed. */
    static volatile Consumer<String> afterStep = step -> { };

    private RetrainJob() {
    }

    /**
     * Runs one retraining round.
     *
     * @throws io.segpipe.jobs.registry.RegistryLockedException when another run holds the registry
     * @throws IOException              on file-system, training or evaluation failures (pointer unchanged)
     * @throws IllegalArgumentException on configuration that does not fit the dataset or registry
     */
    public static RetrainResult run(RetrainConfig config, SparkSession spark) throws IOException {
        try (JobDescription described = JobDescription.set(spark.sparkContext(), "segpipe retrain")) {
            return retrain(config, spark);
        }
    }

    private static RetrainResult retrain(RetrainConfig config, SparkSession spark) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        ModelRegistry registry = ModelRegistry.open(config.registry(), hadoop);
        String runId = config.runId().isEmpty() ? ModelRegistry.newRunId() : config.runId();
        LockSettings lockSettings = LockSettings.staleAfter(Duration.ofSeconds(config.lockTimeoutSeconds()));
        try (RegistryLock lock = registry.lock(runId, lockSettings)) {
            return new Run(config, spark, registry, lock).execute();
        }
    }

    /** One run's state, so a failure at any step can still be recorded with what was known. */
    private static final class Run {
        final RetrainConfig config;
        final SparkSession spark;
        final ModelRegistry registry;
        final RegistryLock lock;
        final Instant started = Instant.now();
        final long startNanos = System.nanoTime();
        final Map<String, Double> seconds = new LinkedHashMap<>();
        final PromotionPolicy policy;
        String datasetSha;
        long datasetSamples;
        Integer championVersion;
        Integer challengerVersion;
        Integer warmStartFrom;
        Map<String, Double> championMetrics = Map.of();
        Map<String, Double> challengerMetrics = Map.of();
        String comparison;

        Run(RetrainConfig config, SparkSession spark, ModelRegistry registry, RegistryLock lock) {
            this.config = config;
            this.spark = spark;
            this.registry = registry;
            this.lock = lock;
            this.policy = config.policy();
        }

        RetrainResult execute() throws IOException {
            Path staging = registry.stagingDir(lock);
            FileSystem fs = registry.fileSystem();
            try {
                return steps(staging);
            } catch (IOException | RuntimeException e) {
                recordFailure(e);
                throw e;
            } finally {
                try {
                    if (fs.exists(staging)) {
                        fs.delete(staging, true);
                    }
                } catch (IOException e) {
                    LOG.warn("Could not remove the work area {} ({}); the next run removes it", staging, e.toString());
                }
            }
        }

        private RetrainResult steps(Path staging) throws IOException {
            long t = System.nanoTime();
            PreppedDataset dataset = PreppedDataset.open(spark, config.dataset());
            DatasetManifest manifest = dataset.manifest();
            datasetSamples = manifest.samples();
            datasetSha = manifestSha256(dataset.path(), spark.sparkContext().hadoopConfiguration());
            manifest.requireSamples("evalSplit", config.evalSplit(), dataset.path());
            Optional<ProductionPointer> production = registry.production();
            championVersion = production.map(ProductionPointer::version).orElse(null);
            String championPath = championVersion == null ? null : registry.verifiedVersionPath(championVersion);
            boolean warm = config.warmStart() && championPath != null;
            warmStartFrom = warm ? championVersion : null;
            seconds.put("open", secondsSince(t));
            afterStep.accept("opened");

            t = System.nanoTime();
            Path modelDir = new Path(staging, "model");
            TrainConfig train = config.train().toBuilder().dataset(dataset.path()).output(modelDir.toString())
                    .overwrite(false).trainSplit(config.trainSplit()).initialModel(warm ? championPath : "").build();
            TrainJob.run(train, spark);
            seconds.put("train", secondsSince(t));
            afterStep.accept("trained");

            Path reports = registry.reportsDir(lock.runId());
            t = System.nanoTime();
            EvalResult challenger = evaluate(modelDir.toString(), dataset.path(), new Path(reports, "challenger"));
            challengerMetrics = Metric.all(challenger.metrics());
            seconds.put("evalChallenger", secondsSince(t));
            Double championScore = null;
            EvalResult champion = null;
            if (championPath != null) {
                t = System.nanoTime();
                champion = evaluate(championPath, dataset.path(), new Path(reports, "champion"));
                championMetrics = Metric.all(champion.metrics());
                championScore = config.metric().of(champion.metrics());
                seconds.put("evalChampion", secondsSince(t));
            }
            afterStep.accept("evaluated");

            // The decision is a pure function of the two evaluations; the page shows it, so it comes first.
            double challengerScore = config.metric().of(challenger.metrics());
            String championName = championVersion == null ? null : ModelRegistry.versionName(championVersion);
            PromotionPolicy.Decision decision = policy.decide(challengerScore, championScore, championName,
                    champion == null ? List.of() : PromotionPolicy.ClassIoU.of(champion.metrics(), challenger.metrics()));
            if (champion != null) {
                t = System.nanoTime();
                comparison = Comparison.write(spark, dataset.path(), config.evalSplit(), config.inference(),
                        new Comparison.Side(championName, championPath, champion, new Path(reports, "champion")),
                        new Comparison.Side("challenger", modelDir.toString(), challenger,
                                new Path(reports, "challenger")),
                        policy, decision, lock.runId(), config.comparisonExamples(), registry.fileSystem(),
                        new Path(reports, Comparison.DIR)).toString();
                seconds.put("compare", secondsSince(t));
            } else {
                LOG.info("Run {}: no production model to compare the challenger with, so no comparison page; the "
                        + "challenger's evaluation is {}", lock.runId(), new Path(reports, "challenger"));
            }
            afterStep.accept("compared");

            t = System.nanoTime();
            VersionInfo version = registry.register(lock, modelDir, new VersionInfo.Details(warmStartFrom,
                    dataset.path(), datasetSha, config.evalSplit(), challengerMetrics));
            challengerVersion = version.version();
            seconds.put("register", secondsSince(t));
            afterStep.accept("registered");

            Integer productionAfter = championVersion;
            if (decision.promote()) {
                productionAfter = registry.promote(lock, version.version(), decision.reason()).version();
            }
            afterStep.accept("decided");
            RunOutcome outcome = decision.promote() ? RunOutcome.PROMOTED : RunOutcome.KEPT;
            HistoryRecord record = record(outcome, decision.reason(), productionAfter, null);
            Path file = registry.append(lock, record);
            LOG.info("Retraining run {}: {} ({})", lock.runId(), outcome, decision.reason());
            return new RetrainResult(lock.runId(), outcome, decision.reason(), version.version(), championVersion,
                    productionAfter, challengerScore, championScore, file.toString(), record);
        }

        private EvalResult evaluate(String model, String data, Path output) throws IOException {
            // No normalisation or input scale: each model is evaluated as its own training recorded.
            return EvalJob.run(EvalConfig.builder().model(model).data(data).split(config.evalSplit())
                    .output(output.toString()).overwrite(true).inference(config.inference()).examples(0)
                    // one corrupt-row limit for the run: the training configuration's
                    .maxCorruptFraction(config.train().maxCorruptFraction()).build(), spark);
        }

        private void recordFailure(Exception e) {
            try {
                Integer productionAfter = registry.production().map(ProductionPointer::version).orElse(null);
                String error = e.getClass().getSimpleName() + ": " + e.getMessage();
                registry.append(lock, record(RunOutcome.FAILED, "failed: " + error, productionAfter, error));
            } catch (IOException | RuntimeException recordFailed) {
                e.addSuppressed(recordFailed);
                LOG.error("Could not record the failure of run {} in the history of {}", lock.runId(),
                        registry.root(), recordFailed);
            }
        }

        private HistoryRecord record(RunOutcome outcome, String reason, Integer productionAfter, String error) {
            Map<String, Double> timings = new LinkedHashMap<>(seconds);
            timings.put("total", secondsSince(startNanos));
            return new HistoryRecord(lock.runId(), LockInfo.iso(started), LockInfo.iso(Instant.now()),
                    LockInfo.localHost(), outcome, reason, config.metric().key(), config.margin(), config.floor(),
                    config.dataset(), datasetSha, datasetSamples, config.trainSplit(), config.evalSplit(),
                    warmStartFrom, championVersion, challengerVersion, productionAfter, championMetrics,
                    challengerMetrics, timings, registry.reportsDir(lock.runId()).toString(),
                    lock.brokenStaleLock().orElse(null), error, comparison);
        }
    }

    private static String manifestSha256(String dataset, Configuration conf) throws IOException {
        Path file = new Path(dataset, DatasetManifest.FILE_NAME);
        return DatasetManifest.sha256(HadoopFiles.readString(file.getFileSystem(conf), file));
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }
}
