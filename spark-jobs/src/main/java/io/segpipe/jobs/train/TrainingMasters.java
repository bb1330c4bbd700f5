package io.segpipe.jobs.train;

import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.RepartitionStrategy;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;

/**
 * The one place DL4J training masters are built from {@link MasterConfig}: parameter averaging,
 * with minibatch size, averaging frequency and depth, prefetch, storage level, repartitioning,
 * direct RDD training and no training statistics.
 */
final class TrainingMasters {
    private final MasterConfig config;
    private final int workers;
    private final long seed;

    /**
     * @param workers data partitions = concurrent workers (resolved: never 0)
     * @param seed    the run's seed
     */
    TrainingMasters(MasterConfig config, int workers, long seed) {
        this.config = config;
        this.workers = workers;
        this.seed = seed;
    }

    /**
     * The master that fits 0-based {@code epoch}: a new one, whose split of the epoch into averaging
     * rounds is seeded by (seed, epoch) so that a resumed run splits as the uninterrupted one did.
     */
    TrainingMaster forEpoch(int epoch) {
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
