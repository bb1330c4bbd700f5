package io.segpipe.jobs.train;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.TreeSet;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;

import io.segpipe.prep.Checks;

/**
 * How DL4J distributes the training over Spark.
 *
 * <p>{@code PARAMETER_AVERAGING} ({@code ParameterAveragingTrainingMaster}): each worker fits
 * {@code averagingFrequency} minibatches of {@code batchSizePerWorker} images from the broadcast
 * parameters and updater state, then the driver averages parameters and updater state across
 * workers ({@code treeAggregate} of depth {@code aggregationDepth}) and broadcasts them again.
 * Higher frequencies cut the broadcast/aggregation cost per image but let workers drift apart;
 * 1 is equivalent to synchronous SGD with a {@code workers x batchSizePerWorker} batch. The driver
 * adds the workers' sums in the order their tasks finish: with up to 2 workers that order cannot
 * change a float sum, so a run, resumed or not, repeats bit for bit on the same cluster; with more,
 * the last bits can differ from run to run.
 *
 * <p>DL4J's other scheme, gradient sharing ({@code SharedTrainingMaster}), is not offered: in
 * dl4j-spark-parameterserver 1.0.0-M2 only the first {@code fit} call of a run trains correctly,
 * and its transport Java-deserializes every UDP message it receives (README, "Training modes").
 *
 * <p>{@code storageLevel}, {@code repartition} and {@code repartitionStrategy} are written in
 * configuration by constant name, case-insensitive ({@code "disk_only"} is {@code DISK_ONLY});
 * {@code mode} takes the exact name.
 *
 * @param mode               PARAMETER_AVERAGING, the one scheme (kept so that configurations naming it load)
 * @param workers            data partitions = concurrent workers; 0 (default) = Spark's default parallelism
 * @param batchSizePerWorker images per minibatch on each worker, >= 1 (default 4)
 * @param averagingFrequency minibatches per worker between parameter averages, >= 1 (default 5)
 * @param aggregationDepth   treeAggregate depth of the averaging, >= 1 (default 2)
 * @param prefetchBatches    minibatches each worker prepares asynchronously ahead of training, >= 0 (default 2)
 * @param storageLevel       Spark storage level of an epoch's minibatch RDD while it is split into averaging
 *                           rounds (default MEMORY_AND_DISK_SER: recomputing augmentation is costlier than disk;
 *                           MEMORY_ONLY_SER is faster when the epoch fits; NONE recomputes per round)
 * @param repartition        DL4J {@code Repartition}: ALWAYS, NEVER, NUM_PARTITIONS_WORKERS_DIFFERS (default)
 * @param repartitionStrategy DL4J {@code RepartitionStrategy}: BALANCED (default), APPROXIMATE_BALANCED, SPARK_DEFAULT
 * @param threadsPerTask     ND4J threads per Spark task; 0 (default) = {@code spark.task.cpus}
 */
@JsonDeserialize(builder = MasterConfig.Builder.class)
public record MasterConfig(Mode mode, int workers, int batchSizePerWorker, int averagingFrequency, int aggregationDepth,
                           int prefetchBatches, StorageLevel storageLevel, Repartition repartition,
                           RepartitionStrategy repartitionStrategy, int threadsPerTask)
        implements Serializable {

    /** The distribution scheme. */
    public enum Mode {
        PARAMETER_AVERAGING;

        /** The scheme named {@code value}; the removed {@code SHARED_GRADIENTS} is named with the reason. */
        @JsonCreator
        static Mode parse(String value) {
            if ("SHARED_GRADIENTS".equals(value)) {
                throw new IllegalArgumentException("master.mode SHARED_GRADIENTS was removed: DL4J's gradient sharing"
                        + " (dl4j-spark-parameterserver 1.0.0-M2) trains only the first epoch of a run correctly and"
                        + " deserializes every UDP message it receives; use PARAMETER_AVERAGING (README, \"Training"
                        + " modes\")");
            }
            if (!"PARAMETER_AVERAGING".equals(value)) {
                throw new IllegalArgumentException("master.mode must be PARAMETER_AVERAGING, found " + value);
            }
            return PARAMETER_AVERAGING;
        }
    }

    /** Spark's storage levels of the same names; {@code NONE} keeps nothing (recomputed per averaging round). */
    public enum StorageLevel {
        NONE, MEMORY_ONLY, MEMORY_ONLY_SER, MEMORY_AND_DISK, MEMORY_AND_DISK_SER, DISK_ONLY;

        @JsonCreator
        static StorageLevel parse(String value) {
            return oneOf("master.storageLevel", value, StorageLevel.class);
        }
    }

    /** When DL4J repartitions an epoch's minibatches across the workers (its {@code Repartition}). */
    public enum Repartition {
        ALWAYS, NEVER, NUM_PARTITIONS_WORKERS_DIFFERS;

        @JsonCreator
        static Repartition parse(String value) {
            return oneOf("master.repartition", value, Repartition.class);
        }
    }

    /** How DL4J repartitions them (its {@code RepartitionStrategy}). */
    public enum RepartitionStrategy {
        BALANCED, APPROXIMATE_BALANCED, SPARK_DEFAULT;

        @JsonCreator
        static RepartitionStrategy parse(String value) {
            return oneOf("master.repartitionStrategy", value, RepartitionStrategy.class);
        }
    }

    public MasterConfig {
        Checks.notNull("master.mode", mode);
        Checks.atLeast("master.workers", workers, 0);
        Checks.atLeast("master.batchSizePerWorker", batchSizePerWorker, 1);
        Checks.atLeast("master.averagingFrequency", averagingFrequency, 1);
        Checks.atLeast("master.aggregationDepth", aggregationDepth, 1);
        Checks.atLeast("master.prefetchBatches", prefetchBatches, 0);
        Checks.notNull("master.storageLevel", storageLevel);
        Checks.notNull("master.repartition", repartition);
        Checks.notNull("master.repartitionStrategy", repartitionStrategy);
        Checks.atLeast("master.threadsPerTask", threadsPerTask, 0);
    }

    /**
     * The constant of {@code type} named {@code value}, ignoring case and surrounding blanks (how these
     * options have always been read); a message naming the field and the allowed names otherwise.
     */
    private static <E extends Enum<E>> E oneOf(String field, String value, Class<E> type) {
        String name = value.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(type.getEnumConstants()).filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(field + " must be one of "
                        + new TreeSet<>(Arrays.stream(type.getEnumConstants()).map(Enum::name).toList()) + ", found "
                        + value));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().mode(mode).workers(workers).batchSizePerWorker(batchSizePerWorker)
                .averagingFrequency(averagingFrequency).aggregationDepth(aggregationDepth).prefetchBatches(prefetchBatches)
                .storageLevel(storageLevel).repartition(repartition).repartitionStrategy(repartitionStrategy)
                .threadsPerTask(threadsPerTask);
    }

    /** Defaults for every field; {@link #build()} validates. */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private Mode mode = Mode.PARAMETER_AVERAGING;
        private int workers;
        private int batchSizePerWorker = 4;
        private int averagingFrequency = 5;
        private int aggregationDepth = 2;
        private int prefetchBatches = 2;
        private StorageLevel storageLevel = StorageLevel.MEMORY_AND_DISK_SER;
        private Repartition repartition = Repartition.NUM_PARTITIONS_WORKERS_DIFFERS;
        private RepartitionStrategy repartitionStrategy = RepartitionStrategy.BALANCED;
        private int threadsPerTask;

        public Builder mode(Mode v) { mode = v; return this; }
        public Builder workers(int v) { workers = v; return this; }
        public Builder batchSizePerWorker(int v) { batchSizePerWorker = v; return this; }
        public Builder averagingFrequency(int v) { averagingFrequency = v; return this; }
        public Builder aggregationDepth(int v) { aggregationDepth = v; return this; }
        public Builder prefetchBatches(int v) { prefetchBatches = v; return this; }
        public Builder storageLevel(StorageLevel v) { storageLevel = v; return this; }
        public Builder repartition(Repartition v) { repartition = v; return this; }
        public Builder repartitionStrategy(RepartitionStrategy v) { repartitionStrategy = v; return this; }
        public Builder threadsPerTask(int v) { threadsPerTask = v; return this; }

        public MasterConfig build() {
            return new MasterConfig(mode, workers, batchSizePerWorker, averagingFrequency, aggregationDepth,
                    prefetchBatches, storageLevel, repartition, repartitionStrategy, threadsPerTask);
        }
    }
}
