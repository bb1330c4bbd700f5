package io.segpipe.jobs.train;

import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.RepartitionStrategy;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;

/**
 * The one place DL4J training masters are built from {@link MasterConfig}: parameter averaging or
 * shared gradients, with the settings both take (minibatch size, prefetch, storage level,
 * repartitioning, direct RDD training, no training statistics) and those of each scheme.
 */
final class TrainingMasters {
    /** Aeron 1.39's default publication-unblock timeout is below its client liveness timeout and fails at start. */
    static final String AERON_UNBLOCK_PROPERTY = "aeron.publication.unblock.timeout";

    private final MasterConfig config;
    private final int workers;
    private final long seed;
    /** The run's one shared-gradients master (its Aeron transport lives across epochs); null for averaging. */
    private final TrainingMaster shared;

    /**
     * @param workers data partitions = concurrent workers (resolved: never 0)
     * @param seed    the run's seed
     */
    TrainingMasters(MasterConfig config, int workers, long seed) {
        this.config = config;
        this.workers = workers;
        this.seed = seed;
        this.shared = config.mode() == MasterConfig.Mode.SHARED_GRADIENTS ? sharedGradients() : null;
    }

    /**
     * The master that fits 0-based {@code epoch}: for parameter averaging a new one, whose split of
     * the epoch into averaging rounds is seeded by (seed, epoch) so that a resumed run splits as the
     * uninterrupted one did; for shared gradients the run's one master.
     */
    TrainingMaster forEpoch(int epoch) {
        return shared != null ? shared : averaging(epoch);
    }

    private TrainingMaster averaging(int epoch) {
        return new ParameterAveragingTrainingMaster.Builder(workers, config.batchSizePerWorker())
                .batchSizePerWorker(config.batchSizePerWorker())
                .averagingFrequency(config.averagingFrequency())
                .aggregationDepth(config.aggregationDepth())
                .workerPrefetchNumBatches(config.prefetchBatches())
                .storageLevel(storageLevel(config.storageLevel()))
                .repartionData(repartition(config.repartition()))
                .repartitionStrategy(strategy(config.repartitionStrategy()))
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .rngSeed(seed * 1_000_003L + epoch)
                // averaged with the parameters, and saved in checkpoints: a resumed run continues Adam's moments
                .saveUpdater(true)
                .collectTrainingStats(false)
                .build();
    }

    private TrainingMaster sharedGradients() {
        if (System.getProperty(AERON_UNBLOCK_PROPERTY) == null) {
            System.setProperty(AERON_UNBLOCK_PROPERTY, "60000000000");
        }
        VoidConfiguration.VoidConfigurationBuilder transport = VoidConfiguration.builder()
                .unicastPort(config.unicastPort()).networkMask(config.networkMask());
        if (!config.controllerAddress().isBlank()) {
            transport.controllerAddress(config.controllerAddress());
        }
        return new SharedTrainingMaster.Builder(transport.build(), config.batchSizePerWorker())
                .batchSizePerWorker(config.batchSizePerWorker())
                .thresholdAlgorithm(new AdaptiveThresholdAlgorithm(config.updatesThreshold()))
                .workersPerNode(1)
                .workerPrefetchNumBatches(config.prefetchBatches())
                .storageLevel(storageLevel(config.storageLevel()))
                .repartitionData(repartition(config.repartition()))
                .repartitionStrategy(strategy(config.repartitionStrategy()))
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .rngSeed(seed)
                .collectTrainingStats(false)
                .build();
    }

    /** Spark's level of the same name; null (DL4J: do not persist) for {@code NONE}. */
    static StorageLevel storageLevel(MasterConfig.StorageLevel level) {
        return switch (level) {
            case NONE -> null;
            case MEMORY_ONLY -> StorageLevel.MEMORY_ONLY();
            case MEMORY_ONLY_SER -> StorageLevel.MEMORY_ONLY_SER();
            case MEMORY_AND_DISK -> StorageLevel.MEMORY_AND_DISK();
            case MEMORY_AND_DISK_SER -> StorageLevel.MEMORY_AND_DISK_SER();
            case DISK_ONLY -> StorageLevel.DISK_ONLY();
        };
    }

    static Repartition repartition(MasterConfig.Repartition repartition) {
        return switch (repartition) {
            case ALWAYS -> Repartition.Always;
            case NEVER -> Repartition.Never;
            case NUM_PARTITIONS_WORKERS_DIFFERS -> Repartition.NumPartitionsWorkersDiffers;
        };
    }

    static RepartitionStrategy strategy(MasterConfig.RepartitionStrategy strategy) {
        return switch (strategy) {
            case BALANCED -> RepartitionStrategy.Balanced;
            case APPROXIMATE_BALANCED -> RepartitionStrategy.ApproximateBalanced;
            case SPARK_DEFAULT -> RepartitionStrategy.SparkDefault;
        };
    }
}
