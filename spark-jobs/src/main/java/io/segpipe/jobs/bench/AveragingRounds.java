package io.segpipe.jobs.bench;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.time.SystemClockTimeSource;
import org.deeplearning4j.spark.time.TimeSourceProvider;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.jobs.train.Networks;
import io.segpipe.jobs.train.OptimizerConfig;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.predict.Labels;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * Trains one network by DL4J's {@code ParameterAveragingTrainingMaster} for a warm-up and then
 * timed averaging rounds, and measures each round: its wall time, the workers' {@code fit} time
 * (DL4J's statistics, {@link RoundTimes}) and the bytes Spark moved ({@link AveragingTraffic}).
 *
 * <p>Each round is one {@code fit} call on exactly {@code workers x averagingFrequency} in-memory
 * random minibatches in {@code workers} partitions, with a new master each time, so DL4J makes one
 * split (one broadcast, one aggregation) and its statistics cover that round alone. The network,
 * its Adam state and the data persist across rounds; minibatches are generated on the executors
 * (they do not travel inside the tasks) and handed to DL4J without repartitioning or prefetch, so
 * the only large transfers are averaging's own. Each task trains with one ND4J thread
 * ({@link Nd4jBackend#setThreads}), as the training job's tasks do.
 */
final class AveragingRounds {

    /**
     * @param workers concurrent workers = data partitions (the context needs that many cores)
     * @param aggregationDepth DL4J's treeAggregate depth
     * @param averagingFrequency minibatches per worker per round
     * @param batch images per minibatch
     * @param size input height and width
     * @param warmupRounds untimed rounds first
     * @param rounds timed rounds
     */
    record Settings(int workers, int aggregationDepth, int averagingFrequency, int batch, int size, int warmupRounds,
                    int rounds) {
        Settings {
            if (workers < 1 || aggregationDepth < 1 || averagingFrequency < 1 || batch < 1 || size < 1
                    || warmupRounds < 0 || rounds < 1) {
                throw new IllegalArgumentException("round settings out of range: " + this);
            }
        }
    }

    /**
     * One timed round.
     *
     * @param wallSeconds the {@code fit} call, as the driver sees it
     * @param computeSeconds the workers' {@code fit} time, averaged over workers
     * @param overheadSeconds wall - compute: broadcast, task start, results, summing, setting parameters
     * @param times DL4J's statistics of the round
     * @param traffic Spark's byte counts of the round
     */
    record Round(double wallSeconds, double computeSeconds, double overheadSeconds, RoundTimes times,
                 AveragingTraffic.Counts traffic) {
    }

    /**
     * The rounds of one setting and their means.
     *
     * @param aggregationBytesPerRound mean of result + shuffle-write bytes per round
     * @param broadcastBytesPerRound mean of broadcast piece bytes per round
     * @param stagesPerRound mean Spark stages per round (2 without a tree level: DL4J's count and the aggregation)
     */
    record Measurement(int workers, int aggregationDepth, List<Round> rounds, double wallSeconds, double computeSeconds,
                       double overheadSeconds, double overheadShare, double aggregationBytesPerRound,
                       double broadcastBytesPerRound, double stagesPerRound) {

        static Measurement of(Settings s, List<Round> rounds) {
            double wall = rounds.stream().mapToDouble(Round::wallSeconds).average().orElseThrow();
            double compute = rounds.stream().mapToDouble(Round::computeSeconds).average().orElseThrow();
            return new Measurement(s.workers(), s.aggregationDepth(), List.copyOf(rounds), wall, compute, wall - compute,
                    (wall - compute) / wall,
                    rounds.stream().mapToDouble(r -> r.traffic().resultBytes() + r.traffic().shuffleWriteBytes()).average().orElseThrow(),
                    rounds.stream().mapToDouble(r -> r.traffic().broadcastBytes()).average().orElseThrow(),
                    rounds.stream().mapToDouble(r -> r.traffic().stages()).average().orElseThrow());
        }
    }

    /**
     * DL4J's statistics take event times from NTP by default ({@code NTPTimeSource}, which fails
     * after 10 queries without network); every worker here is in this JVM, so its clock is the one
     * to use.
     */
    private static final String TIME_SOURCE_PROPERTY = TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY;

    private AveragingRounds() {
    }

    /** A new network of {@code spec} as the training job builds it, trained by Adam (2 state values per parameter). */
    static ComputationGraph network(SegmentationSpec spec) {
        return Networks.create(spec, OptimizerConfig.builder().type(OptimizerConfig.Type.ADAM).build());
    }

    /** Measures {@code settings} on {@code sc} for a new network of {@code spec}. */
    static Measurement measure(JavaSparkContext sc, SegmentationSpec spec, Settings settings) {
        if (System.getProperty(TIME_SOURCE_PROPERTY) == null) {
            System.setProperty(TIME_SOURCE_PROPERTY, SystemClockTimeSource.class.getName());
        }
        Nd4jBackend.setThreads(1);
        ComputationGraph net = network(spec);
        JavaRDD<DataSet> data = minibatches(sc, spec, settings);
        AveragingTraffic traffic = AveragingTraffic.attach(sc.sc());
        try {
            List<Round> rounds = new ArrayList<>();
            for (int i = 0; i < settings.warmupRounds() + settings.rounds(); i++) {
                Round round = round(sc, net, data, settings, spec.seed() + i, traffic);
                if (i >= settings.warmupRounds()) {
                    rounds.add(round);
                }
            }
            return Measurement.of(settings, rounds);
        } finally {
            traffic.detach(sc.sc());
            data.unpersist(true);
            net.close();
        }
    }

    private static Round round(JavaSparkContext sc, ComputationGraph net, JavaRDD<DataSet> data, Settings s, long seed,
                               AveragingTraffic traffic) {
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(s.workers(), s.batch())
                .batchSizePerWorker(s.batch())
                .averagingFrequency(s.averagingFrequency())
                .aggregationDepth(s.aggregationDepth())
                .workerPrefetchNumBatches(0) // iterate in the task's thread, the one set to 1 ND4J thread
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .storageLevel(null) // the minibatches are persisted already
                .repartionData(Repartition.Never)
                .rngSeed(seed)
                .saveUpdater(true)
                .collectTrainingStats(true)
                .build();
        SparkComputationGraph sparkNet = new SparkComputationGraph(sc, net, master);
        traffic.snapshot(sc.sc());
        long t0 = System.nanoTime();
        sparkNet.fit(oneThreadPerTask(data));
        double wall = (System.nanoTime() - t0) / 1e9;
        AveragingTraffic.Counts counts = traffic.snapshot(sc.sc());
        RoundTimes times = RoundTimes.of(master.getTrainingStats());
        int expected = s.workers() * s.averagingFrequency();
        if (times.workerFits() != expected) {
            throw new IllegalStateException("a round fitted " + times.workerFits() + " minibatches, expected " + expected
                    + " (" + s.workers() + " workers x averaging frequency " + s.averagingFrequency() + ")");
        }
        double compute = times.workerFitMs() / 1e3 / s.workers();
        return new Round(wall, compute, wall - compute, times, counts);
    }

    /** {@code workers x averagingFrequency} random minibatches, made and kept on the executors, one partition per worker. */
    private static JavaRDD<DataSet> minibatches(JavaSparkContext sc, SegmentationSpec spec, Settings s) {
        int perWorker = s.averagingFrequency();
        int batch = s.batch();
        int size = s.size();
        int channels = spec.inputChannels();
        int classes = spec.numClasses();
        long seed = spec.seed();
        List<Integer> partitions = IntStream.range(0, s.workers()).boxed().toList();
        JavaRDD<DataSet> data = sc.parallelize(partitions, s.workers())
                .mapPartitions(ids -> generate(ids.next(), perWorker, batch, channels, size, classes, seed))
                .persist(StorageLevel.MEMORY_ONLY());
        long count = data.count();
        if (count != (long) s.workers() * perWorker) {
            throw new IllegalStateException("made " + count + " minibatches, expected " + (long) s.workers() * perWorker);
        }
        return data;
    }

    private static Iterator<DataSet> generate(int partition, int count, int batch, int channels, int size, int classes,
                                              long seed) {
        Random random = new Random(seed * 31 + partition);
        List<DataSet> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Nd4j.getRandom().setSeed(random.nextLong());
            int[] ids = new int[batch * size * size];
            for (int p = 0; p < ids.length; p++) {
                ids[p] = random.nextInt(classes);
            }
            out.add(new DataSet(Nd4j.rand(DataType.FLOAT, batch, channels, size, size),
                    Labels.oneHot(ids, batch, size, size, classes, -1)));
        }
        return out.iterator();
    }

    /** {@code data}, set to one ND4J thread in the task that iterates it (DL4J's worker, without prefetch). */
    private static JavaRDD<DataSet> oneThreadPerTask(JavaRDD<DataSet> data) {
        return data.mapPartitions(minibatches -> {
            Nd4jBackend.setThreads(1);
            return minibatches;
        }, true);
    }
}
