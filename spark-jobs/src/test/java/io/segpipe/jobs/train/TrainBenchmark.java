package io.segpipe.jobs.train;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.jobs.data.CompactMultiDataSet;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.bench.ProcessMemory;
import io.segpipe.model.predict.Labels;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.Json;

/**
 * Training benchmarks (not tests): run on the spark-jobs test class path with the project JVM flags.
 *
 * <ul>
 * <li>{@code TrainBenchmark throughput [minibatches] [batch] [size]}: the same U-Net (4 levels, 32 base filters),
 * the same in-memory minibatches and the same 2 cores, trained once by a single-JVM
 * {@code ComputationGraph.fit} with 2 ND4J threads and once by {@code SparkComputationGraph} with
 * {@code ParameterAveragingTrainingMaster} on local[2] (1 ND4J thread per task, averaging every 3).
 * Prints img/s of both and their ratio, then one JSON line.</li>
 * <li>{@code TrainBenchmark memory [minibatches]}: SegNet-Basic at 360x480, batch 4, trained by
 * ParameterAveragingTrainingMaster on one executor JVM of 1 core (Spark's local-cluster mode: a
 * separate process, like a worker of a real cluster), minibatches as the training job makes them;
 * prints the executor's peak resident memory (VmHWM, via {@link WorkerMemory}) and one JSON line.</li>
 * </ul>
 */
public final class TrainBenchmark {
    private static final String EXECUTOR_HEAP = "1g";
    private TrainBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "throughput";
        Nd4jBackend.init();
        Map<String, Object> json = switch (what) {
            case "throughput" -> throughput(arg(args, 1, 24), arg(args, 2, 8), arg(args, 3, 128));
            case "memory" -> memory(arg(args, 1, 3));
            default -> throw new IllegalArgumentException("usage: TrainBenchmark throughput|memory ...");
        };
        System.out.println(Json.mapper().writeValueAsString(json));
    }

    private static int arg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }

    static List<DataSet> data(SegmentationSpec spec, int minibatches, int batch, int h, int w) {
        Random rnd = new Random(3);
        List<DataSet> out = new ArrayList<>();
        for (int i = 0; i < minibatches; i++) {
            Nd4j.getRandom().setSeed(100 + i);
            int[] ids = new int[batch * h * w];
            for (int p = 0; p < ids.length; p++) {
                ids[p] = rnd.nextInt(spec.numClasses());
            }
            out.add(new DataSet(Nd4j.rand(DataType.FLOAT, batch, spec.inputChannels(), h, w),
                    Labels.oneHot(Nd4j.createFromArray(ids).reshape(batch, h, w), spec)));
        }
        return out;
    }

    static SparkSession spark(int cores) {
        return SparkSession.builder().appName("segpipe-train-bench").master("local[" + cores + "]")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    }

    static Map<String, Object> throughput(int minibatches, int batch, int size) {
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.UNET, 4).widthMultiplier(0.5).depth(4)
                .inputSize(size, size).build();
        List<DataSet> data = data(spec, minibatches, batch, size, size);
        int images = minibatches * batch;

        // single JVM, 2 ND4J threads
        Nd4jBackend.setThreads(2);
        ComputationGraph single = Networks.create(spec, OptimizerConfig.builder().build());
        single.fit(data.get(0)); // warm-up (workspaces, oneDNN primitives)
        long t0 = System.nanoTime();
        for (DataSet d : data) {
            single.fit(d);
        }
        double singleSeconds = (System.nanoTime() - t0) / 1e9;

        // local[2], one ND4J thread per task, parameter averaging every 3 minibatches
        Nd4jBackend.setThreads(1);
        SparkSession spark = spark(2);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<DataSet> rdd = sc.parallelize(data, 2).persist(StorageLevel.MEMORY_ONLY());
        rdd.count();
        ComputationGraph net = Networks.create(spec, OptimizerConfig.builder().build());
        ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(2, batch)
                .batchSizePerWorker(batch).averagingFrequency(3).workerPrefetchNumBatches(2)
                .rddTrainingApproach(RDDTrainingApproach.Direct).storageLevel(StorageLevel.MEMORY_ONLY())
                .repartionData(Repartition.Never).rngSeed(1).collectTrainingStats(false).build();
        SparkComputationGraph sparkNet = new SparkComputationGraph(sc, net, tm);
        sparkNet.fit(sc.parallelize(data.subList(0, 2), 2)); // warm-up: both workers, one minibatch each
        long t1 = System.nanoTime();
        sparkNet.fit(rdd);
        double sparkSeconds = (System.nanoTime() - t1) / 1e9;
        spark.stop();

        double singleRate = images / singleSeconds;
        double sparkRate = images / sparkSeconds;
        System.out.printf(Locale.ROOT, "| run | images | seconds | img/s |%n|---|---|---|---|%n");
        System.out.printf(Locale.ROOT, "| single JVM ComputationGraph.fit, 2 threads | %d | %.1f | %.2f |%n", images,
                singleSeconds, singleRate);
        System.out.printf(Locale.ROOT, "| local[2] ParameterAveraging (avg every 3), 1 thread/task | %d | %.1f | %.2f |%n",
                images, sparkSeconds, sparkRate);
        System.out.printf(Locale.ROOT, "ratio local[2] / single JVM = %.2f (U-Net %d params, %dx%d, batch %d, load %s)%n",
                sparkRate / singleRate, net.numParams(), size, size, batch, loadAverage());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "throughput");
        json.put("network", "UNET depth 4, 32 base filters");
        json.put("parameters", net.numParams());
        json.put("inputSize", size);
        json.put("batch", batch);
        json.put("minibatches", minibatches);
        json.put("singleJvmImagesPerSecond", singleRate);
        json.put("localSparkImagesPerSecond", sparkRate);
        json.put("ratio", sparkRate / singleRate);
        json.put("loadAverage", loadAverage());
        return json;
    }

    static Map<String, Object> memory(int minibatches) {
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.SEGNET_BASIC, 11).inputSize(360, 480)
                .loss(new SegmentationSpec.LossSpec(null, 11, 0)).build();
        SparkSession spark = workerJvmSession();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ComputationGraph net = Networks.create(spec, OptimizerConfig.builder().type(OptimizerConfig.Type.SGD)
                .learningRate(0.01).build());
        ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(1, 4).batchSizePerWorker(4)
                .averagingFrequency(minibatches).workerPrefetchNumBatches(2).rddTrainingApproach(RDDTrainingApproach.Direct)
                .storageLevel(StorageLevel.MEMORY_AND_DISK_SER()).collectTrainingStats(false).build();
        long t0 = System.nanoTime();
        // As in the training job, the executor builds its minibatches itself (EpochData: from shard
        // rows) after engaging the oneDNN path.
        JavaRDD<MultiDataSet> rdd = sc.parallelize(List.of(minibatches), 1).mapPartitions(count -> {
            Nd4jBackend.init();
            Nd4jBackend.setThreads(1);
            List<MultiDataSet> batches = new ArrayList<>();
            for (DataSet d : data(spec, count.next(), 4, 360, 480)) {
                batches.add(new CompactMultiDataSet(d.getFeatures(), d.getLabels(), spec.loss().ignoreLabel()));
            }
            return batches.iterator();
        });
        new SparkComputationGraph(sc, net, tm).fitMultiDataSet(rdd);
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<WorkerMemory> workers = WorkerMemory.probe(sc);
        spark.stop();
        long peak = workers.stream().mapToLong(WorkerMemory::peakResidentBytes).max().orElse(0);
        System.out.printf(Locale.ROOT, "SegNet-Basic 360x480 batch 4, %d minibatches in %.1f s on one executor JVM "
                + "(1 core, heap %s): peak RSS %.2f GB (driver JVM: %.2f GB), %d parameters%n", minibatches, seconds,
                EXECUTOR_HEAP, peak / 1e9, ProcessMemory.peakResidentBytes() / 1e9, net.numParams());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "memory");
        json.put("network", "SEGNET_BASIC 360x480 batch 4");
        json.put("parameters", net.numParams());
        json.put("minibatches", minibatches);
        json.put("seconds", seconds);
        json.put("executorHeap", EXECUTOR_HEAP);
        json.put("workerPeakRssBytes", peak);
        json.put("workers", workers);
        json.put("driverPeakRssBytes", ProcessMemory.peakResidentBytes());
        return json;
    }

    /**
     * Spark's local-cluster mode: a standalone master and worker inside this JVM that start the
     * executor as a separate JVM, like a real worker, with this class path and the project's flags
     * and malloc settings (conf/jvm.properties, passed in by the command in docs/benchmarks.md).
     */
    private static SparkSession workerJvmSession() {
        String flags = String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Dorg.bytedeco") || a.startsWith("-Djdk.")
                        || a.startsWith("-Dio.netty") || a.startsWith("-XX:+IgnoreUnrecognized"))
                .toList());
        SparkSession.Builder b = SparkSession.builder().appName("segpipe-train-bench-memory")
                .master("local-cluster[1,1,8192]")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.executor.memory", EXECUTOR_HEAP)
                .config("spark.executor.extraClassPath", absoluteClassPath())
                .config("spark.executor.extraJavaOptions", flags)
                .config("spark.executorEnv.SPARK_TESTING", "1")
                .config("spark.executorEnv.SPARK_SCALA_VERSION", "2.12")
                .config("spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1");
        for (String v : List.of("MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")) {
            if (System.getenv(v) != null) {
                b.config("spark.executorEnv." + v, System.getenv(v));
            }
        }
        return b.getOrCreate();
    }

    /** This JVM's class path with absolute entries: the executor runs in the worker's work directory. */
    private static String absoluteClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
