package io.segpipe.jobs.train;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * <p>{@code SHARED_GRADIENTS} ({@code SharedTrainingMaster}, dl4j-spark-parameterserver):
 * workers exchange threshold-quantised updates (Strom 2015) over Aeron UDP while they train.
 * Needs a UDP port ({@code unicastPort}) reachable between executors and driver, the network the
 * executors share ({@code networkMask}, e.g. {@code 10.0.0.0/16}) and, on Aeron 1.39, the system
 * property {@code aeron.publication.unblock.timeout} above 30 s on driver and executors (set by the
 * job on the driver; pass it in {@code spark.executor.extraJavaOptions} on a cluster).
 * <b>Experimental</b> on dl4j-spark-parameterserver 1.0.0-M2: it starts and trains on local[2], but the
 * job calls {@code fit} once per epoch, and from the second call on the executor-side training
 * wrapper (a JVM-wide singleton in that module) no longer reports iterations to the listeners (the
 * epoch loss is NaN) and val mIoU stopped improving in our tests; use PARAMETER_AVERAGING for real runs.
 *
 * <p><b>Network exposure of SHARED_GRADIENTS.</b> DL4J's Aeron transport Java-deserializes every
 * UDP message that reaches {@code unicastPort}: whoever can send a packet there can run code in the
 * driver and the executors. The mode is therefore refused unless {@code networkMask} and
 * {@code controllerAddress} are loopback (one machine), or {@code allowUntrustedNetwork} confirms
 * that the network the mask names is reachable by the cluster only, with the port closed to
 * everything else.
 *
 * <p>{@code storageLevel}, {@code repartition} and {@code repartitionStrategy} are written in
 * configuration by constant name, case-insensitive ({@code "disk_only"} is {@code DISK_ONLY});
 * {@code mode} takes the exact name.
 *
 * @param mode               PARAMETER_AVERAGING (default) or SHARED_GRADIENTS
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
 * @param unicastPort        SHARED_GRADIENTS: Aeron UDP port (default 40123)
 * @param networkMask        SHARED_GRADIENTS: network of the executors (default 127.0.0.0/8, local mode)
 * @param controllerAddress  SHARED_GRADIENTS: driver address the workers reach ("" = automatic; default 127.0.0.1)
 * @param updatesThreshold   SHARED_GRADIENTS: initial quantisation threshold, > 0 (default 1e-3)
 * @param allowUntrustedNetwork SHARED_GRADIENTS: accept a {@code networkMask} or {@code controllerAddress} that is not
 *                           loopback, knowing that every packet reaching {@code unicastPort} is deserialized (see
 *                           above) (default false: such a configuration is refused)
 */
@JsonDeserialize(builder = MasterConfig.Builder.class)
public record MasterConfig(Mode mode, int workers, int batchSizePerWorker, int averagingFrequency, int aggregationDepth,
                           int prefetchBatches, StorageLevel storageLevel, Repartition repartition,
                           RepartitionStrategy repartitionStrategy, int threadsPerTask, int unicastPort,
                           String networkMask, String controllerAddress, double updatesThreshold,
                           boolean allowUntrustedNetwork)
        implements Serializable {

    /** The distribution scheme. */
    public enum Mode { PARAMETER_AVERAGING, SHARED_GRADIENTS }

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
        if (unicastPort < 1 || unicastPort > 65535) {
            throw new IllegalArgumentException("master.unicastPort must be in [1, 65535], found " + unicastPort);
        }
        Checks.notBlank("master.networkMask", networkMask);
        Checks.notNull("master.controllerAddress", controllerAddress);
        if (!(updatesThreshold > 0 && updatesThreshold < 1)) {
            throw new IllegalArgumentException("master.updatesThreshold must be in (0, 1), found " + updatesThreshold);
        }
        if (mode == Mode.SHARED_GRADIENTS && !allowUntrustedNetwork) {
            requireLoopback("master.networkMask", networkMask, isLoopbackNetwork(networkMask), unicastPort);
            if (!controllerAddress.isBlank()) {
                requireLoopback("master.controllerAddress", controllerAddress, isLoopbackAddress(controllerAddress),
                        unicastPort);
            }
        }
    }

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    /** True for an IPv4 literal in 127.0.0.0/8 or ::1; names are not resolved (a name can point anywhere). */
    static boolean isLoopbackAddress(String address) {
        String a = address.trim();
        Matcher m = IPV4.matcher(a);
        return (m.matches() && Integer.parseInt(m.group(1)) == 127) || a.equals("::1") || a.equals("[::1]");
    }

    /** True for an IPv4 network inside 127.0.0.0/8 ({@code 127.x.y.z/n}, n >= 8) or ::1/128. */
    static boolean isLoopbackNetwork(String mask) {
        String[] parts = mask.trim().split("/", 2);
        if (parts.length != 2 || !parts[1].matches("\\d{1,3}")) {
            return false;
        }
        int prefix = Integer.parseInt(parts[1]);
        return IPV4.matcher(parts[0]).matches() ? isLoopbackAddress(parts[0]) && prefix >= 8 && prefix <= 32
                : parts[0].equals("::1") && prefix == 128;
    }

    private static void requireLoopback(String field, String value, boolean loopback, int port) {
        if (!loopback) {
            throw new IllegalArgumentException(field + " " + value + " is not loopback: in SHARED_GRADIENTS mode DL4J's"
                    + " Aeron transport Java-deserializes every UDP message reaching master.unicastPort " + port
                    + ", so anyone who can send a packet to it can run code in the driver and the executors. Use it only"
                    + " on a network only the cluster can reach, with the port closed to everything else, and confirm"
                    + " with master.allowUntrustedNetwork=true");
        }
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
                .threadsPerTask(threadsPerTask).unicastPort(unicastPort).networkMask(networkMask)
                .controllerAddress(controllerAddress).updatesThreshold(updatesThreshold)
                .allowUntrustedNetwork(allowUntrustedNetwork);
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
        private int unicastPort = 40123;
        private String networkMask = "127.0.0.0/8";
        private String controllerAddress = "127.0.0.1";
        private double updatesThreshold = 1e-3;
        private boolean allowUntrustedNetwork;

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
        public Builder unicastPort(int v) { unicastPort = v; return this; }
        public Builder networkMask(String v) { networkMask = v; return this; }
        public Builder controllerAddress(String v) { controllerAddress = v; return this; }
        public Builder updatesThreshold(double v) { updatesThreshold = v; return this; }
        public Builder allowUntrustedNetwork(boolean v) { allowUntrustedNetwork = v; return this; }

        public MasterConfig build() {
            return new MasterConfig(mode, workers, batchSizePerWorker, averagingFrequency, aggregationDepth,
                    prefetchBatches, storageLevel, repartition, repartitionStrategy, threadsPerTask, unicastPort,
                    networkMask, controllerAddress, updatesThreshold, allowUntrustedNetwork);
        }
    }
}
