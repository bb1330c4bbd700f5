package io.segpipe.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import io.segpipe.jobs.bench.ScalingBenchmark;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.bench.BackendBenchmark;
import io.segpipe.model.bench.ConvolutionGate;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.bench.PrepBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code segpipe bench ...}: the benchmarks behind the speed and memory targets, as table + JSON. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark and print a table; the full result is written as JSON.",
        subcommands = {BenchCommand.Backend.class, BenchCommand.Conv.class, BenchCommand.Prep.class,
                BenchCommand.Scaling.class})
final class BenchCommand {

    /** {@code segpipe bench backend}: the reference U-Net against the SGEMM ceiling. */
    @Command(name = "backend", mixinStandardHelpOptions = true,
            description = "Train and run the reference U-Net (4 levels, 32 base filters, 3x128x128, "
                    + "batch 8) in this JVM: img/s, achieved GFLOP/s against the measured SGEMM rate, peak memory.")
    static final class Backend implements Callable<Integer> {
        @Option(names = "--batch", defaultValue = "8", description = "Images per step (default: ${DEFAULT-VALUE}).")
        int batch;
        @Option(names = "--size", defaultValue = "128", description = "Input height and width (default: ${DEFAULT-VALUE}).")
        int size;
        @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
        int warmup;
        @Option(names = "--steps", defaultValue = "12", description = "Timed steps (default: ${DEFAULT-VALUE}).")
        int steps;
        @Option(names = "--json", defaultValue = "target/bench/backend.json", paramLabel = "FILE",
                description = "Where to write the JSON result (default: ${DEFAULT-VALUE}).")
        Path json;

        @Override
        public Integer call() {
            BackendBenchmark.Result result = BackendBenchmark.run(
                    new BackendBenchmark.Options(batch, size, warmup, steps, 1024));
            System.out.println("Backend benchmark: reference U-Net, " + result.parameters() + " parameters, "
                    + "3x" + size + "x" + size + ", batch " + batch);
            Reports.printRecord(System.out, result);
            System.out.printf(Locale.ROOT, "%ntraining %.1f GFLOP/s = %.0f%% of SGEMM %.1f GFLOP/s (target >= %.0f%%,"
                            + " stretch %.0f%%): %s%n", result.trainGflops(), 100 * result.trainFractionOfSgemm(),
                    result.sgemmGflops(), 100 * BackendBenchmark.TARGET_TRAIN_FRACTION_OF_SGEMM,
                    100 * BackendBenchmark.STRETCH_TRAIN_FRACTION_OF_SGEMM, result.meetsSpeedTarget() ? "met" : "NOT met");
            System.out.printf(Locale.ROOT, "inference %.1f GFLOP/s = %.0f%% of SGEMM (target >= %.0f%%): %s%n",
                    result.inferGflops(), 100 * result.inferFractionOfSgemm(),
                    100 * BackendBenchmark.TARGET_INFER_FRACTION_OF_SGEMM, result.meetsInferenceTarget() ? "met" : "NOT met");
            System.out.printf(Locale.ROOT, "minor page faults per training step: %.0f%n",
                    result.throughput().trainMinorFaultsPerStep());
            System.out.printf(Locale.ROOT, "peak resident memory %.2f GB (target <= %.1f GB): %s%n",
                    result.peakRssBytes() / 1e9, BackendBenchmark.TARGET_PEAK_RSS_BYTES / 1e9,
                    result.meetsMemoryTarget() ? "met" : "NOT met");
            Reports.writeJson(json, result);
            System.out.println("JSON: " + json.toAbsolutePath());
            return 0;
        }
    }

    /** {@code segpipe bench conv}: the gate for calling oneDNN directly, one 3x3 convolution on both paths. */
    @Command(name = "conv", mixinStandardHelpOptions = true,
            description = "Train one 3x3 convolution (64->64 channels at 128x128 batch 8, and at 360x480 batch 2; "
                    + "forward + backward data + backward weights) two ways in this JVM, alternating step by step: "
                    + "oneDNN called directly with NHWC activations and the weights reordered once per step, and "
                    + "the current path (DL4J's convolution layer on libnd4j's oneDNN, NCHW). Checks first that both "
                    + "compute the same, then reports median ms/step, GFLOP/s, the fraction of the SGEMM rate "
                    + "measured in the same run, and whether the direct path is at least 1.3x faster (the gate). "
                    + "oneDNN logs each primitive it runs with DNNL_VERBOSE=1 (libnd4j's oneDNN) and ONEDNN_VERBOSE=1 "
                    + "(the direct path's oneDNN 2.5).")
    static final class Conv implements Callable<Integer> {
        @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps of each path first, per case (default: ${DEFAULT-VALUE}).")
        int warmup;
        @Option(names = "--steps", defaultValue = "20", description = "Timed steps of each path, per case (default: ${DEFAULT-VALUE}).")
        int steps;
        @Option(names = "--json", defaultValue = "target/bench/conv-gate.json", paramLabel = "FILE",
                description = "Where to write the JSON result (default: ${DEFAULT-VALUE}).")
        Path json;

        @Override
        public Integer call() {
            if (warmup < 0) {
                throw new UserException("--warmup must be >= 0, found " + warmup);
            }
            if (steps < 1) {
                throw new UserException("--steps must be >= 1, found " + steps);
            }
            ConvolutionGate.Result result = ConvolutionGate.run(new ConvolutionGate.Options(
                    ConvolutionGate.Options.defaultCases(), warmup, steps, 1024));
            System.out.println("Convolution gate: 3x3, stride 1, pad 1, float; oneDNN " + result.oneDnnVersion()
                    + " direct (NHWC) against DL4J + libnd4j's oneDNN (NCHW); " + steps + " timed steps per path");
            System.out.print(table(result));
            for (ConvolutionGate.CaseResult c : result.cases()) {
                System.out.println();
                System.out.println(c.shape().label() + ":");
                Reports.printRecord(System.out, c.oneDnn());
                Reports.printRecord(System.out, c.errors());
                System.out.println("  libnd4j path helper  " + c.libnd4jHelper());
            }
            System.out.printf(Locale.ROOT, "%ngate (direct oneDNN >= %.1fx faster in every case): %s%n",
                    ConvolutionGate.GATE_SPEEDUP, result.passes() ? "PASSED" : "NOT passed");
            Reports.writeJson(json, result);
            System.out.println("JSON: " + json.toAbsolutePath());
            return 0;
        }

        static String table(ConvolutionGate.Result result) {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                    "%n| case | GFLOP/step | direct oneDNN ms | libnd4j ms | direct GFLOP/s | libnd4j GFLOP/s "
                            + "| speed-up | direct %% of SGEMM | libnd4j %% of SGEMM | gate |%n"
                            + "|---|---|---|---|---|---|---|---|---|---|%n"));
            for (ConvolutionGate.CaseResult c : result.cases()) {
                s.append(String.format(Locale.ROOT, "| %s | %.2f | %.1f | %.1f | %.1f | %.1f | %.2fx | %.0f%% | %.0f%% | %s |%n",
                        c.shape().label(), c.gflopPerStep(), c.oneDnnMsPerStep(), c.libnd4jMsPerStep(),
                        c.oneDnnGflops(), c.libnd4jGflops(), c.speedup(), 100 * c.oneDnnFractionOfSgemm(),
                        100 * c.libnd4jFractionOfSgemm(), c.passes() ? "pass" : "fail"));
            }
            s.append(String.format(Locale.ROOT, "SGEMM (same run): %.1f GFLOP/s%n", result.sgemmGflops()));
            return s.toString();
        }
    }

    /** {@code segpipe bench prep}: prep throughput on CamVid against decoding the same files alone. */
    @Command(name = "prep", mixinStandardHelpOptions = true,
            description = "Prep throughput on CamVid (train + val, 468 pairs) with local Spark, against a decode-only "
                    + "baseline of the same files with the same codec in one thread, per core.")
    static final class Prep implements Callable<Integer> {
        @Option(names = "--camvid", required = true, paramLabel = "DIR",
                description = "CamVid root with train/ trainannot/ val/ valannot/ (SegNet tutorial layout, "
                        + "367 + 101 pairs); any Hadoop path.")
        String camvid;
        @Option(names = "--work", defaultValue = "target/bench/prep-work", paramLabel = "DIR",
                description = "Scratch directory for the prepared output, replaced each run (default: ${DEFAULT-VALUE}).")
        String work;
        @Option(names = "--repeats", defaultValue = "3", description = "Timed runs of each side; the best counts (default: ${DEFAULT-VALUE}).")
        int repeats;
        @Option(names = "--master", defaultValue = "local[2]", description = "Spark master (default: ${DEFAULT-VALUE}).")
        String master;
        @Option(names = "--json", defaultValue = "target/bench/prep.json", paramLabel = "FILE",
                description = "Where to write the JSON result (default: ${DEFAULT-VALUE}).")
        Path json;

        @Override
        public Integer call() throws Exception {
            SparkSession spark = SparkSessions.start("segpipe bench prep", master);
            try {
                int cores = spark.sparkContext().defaultParallelism();
                PrepBenchmark.Result result = PrepBenchmark.run(new PrepBenchmark.Config(camvid, work, cores, repeats), spark);
                System.out.println("Prep benchmark: CamVid " + result.pairs() + " pairs on " + result.cores() + " cores");
                Reports.printRecord(System.out, result);
                Reports.writeJson(json, result);
                System.out.println("JSON: " + json.toAbsolutePath());
                return 0;
            } finally {
                spark.stop();
            }
        }
    }

    /** {@code segpipe bench scaling}: what parameter averaging costs per round, measured locally and projected. */
    @Command(name = "scaling", mixinStandardHelpOptions = true,
            description = "Train each architecture with DL4J's ParameterAveragingTrainingMaster on 1 worker (local[1]) "
                    + "and 2 workers (local[2], aggregation depth 1 and 2), 1 ND4J thread per task, in-memory random "
                    + "minibatches: time per averaging round, the workers' compute in it, the bytes broadcast and "
                    + "aggregated (Spark's own counts); then a fitted model's throughput and averaging overhead at more "
                    + "workers, and the worker count from which a round's overhead exceeds its compute.")
    static final class Scaling implements Callable<Integer> {
        /** conf/models files of the canonical architectures, in the order of the table. */
        static final String DEFAULT_ARCHITECTURES = "unet,fcn8s,segnet-basic,segnet,deeplabv3plus,fc-densenet56";

        @Option(names = "--architectures", defaultValue = DEFAULT_ARCHITECTURES, split = ",", paramLabel = "NAME",
                description = "Files of --models without .conf (default: ${DEFAULT-VALUE}).")
        List<String> architectures;
        @Option(names = "--models", paramLabel = "DIR",
                description = "Folder of architecture files (default: conf/models of the segpipe installation).")
        Path models;
        @Option(names = "--size", defaultValue = "128", description = "Input height and width, a multiple of 32 (default: ${DEFAULT-VALUE}).")
        int size;
        @Option(names = "--batch", defaultValue = "2", description = "Images per minibatch per worker (default: ${DEFAULT-VALUE}).")
        int batch;
        @Option(names = "--classes", defaultValue = "11", description = "Classes the networks predict (default: ${DEFAULT-VALUE}).")
        int classes;
        @Option(names = "--averaging-frequency", defaultValue = "5",
                description = "Minibatches per worker between averages (default: ${DEFAULT-VALUE}).")
        int averagingFrequency;
        @Option(names = "--warmup", defaultValue = "1", description = "Untimed rounds first, per setting (default: ${DEFAULT-VALUE}).")
        int warmup;
        @Option(names = "--rounds", defaultValue = "3", description = "Timed rounds per setting (default: ${DEFAULT-VALUE}).")
        int rounds;
        @Option(names = "--bandwidth-gbps", defaultValue = "10",
                description = "Network bandwidth of the projection, Gbit/s per link (default: ${DEFAULT-VALUE}).")
        double bandwidthGbps;
        @Option(names = "--project", defaultValue = "8,64,256", split = ",", paramLabel = "WORKERS",
                description = "Worker counts to project to (default: ${DEFAULT-VALUE}).")
        List<Integer> project;
        @Option(names = "--json", defaultValue = "target/bench/scaling.json", paramLabel = "FILE",
                description = "Where to write the JSON result (default: ${DEFAULT-VALUE}).")
        Path json;

        @Override
        public Integer call() {
            ScalingBenchmark.Options options = options();
            Nd4jBackend.init();
            ScalingBenchmark.Result result = ScalingBenchmark.run(options, ScalingBenchmark.of(
                    workers -> JavaSparkContext.fromSparkContext(
                            SparkSessions.start("segpipe bench scaling", "local[" + workers + "]").sparkContext()),
                    JavaSparkContext::stop));
            System.out.print(ScalingBenchmark.table(result));
            Reports.writeJson(json, result);
            System.out.println("JSON: " + json.toAbsolutePath());
            return 0;
        }

        /** The options checked, each architecture file read into a spec at the benchmark's size. */
        ScalingBenchmark.Options options() {
            atLeast("--size", size, 32);
            if (size % 32 != 0) {
                throw new UserException("--size must be a multiple of 32 (FC-DenseNet and SegNet halve it 5 times), found " + size);
            }
            atLeast("--batch", batch, 1);
            atLeast("--classes", classes, 2);
            atLeast("--averaging-frequency", averagingFrequency, 1);
            atLeast("--warmup", warmup, 0);
            atLeast("--rounds", rounds, 1);
            if (!(bandwidthGbps > 0)) {
                throw new UserException("--bandwidth-gbps must be > 0, found " + bandwidthGbps);
            }
            for (int w : project) {
                atLeast("--project", w, 1);
            }
            Path dir = models != null ? models : Path.of(System.getProperty("segpipe.home", "."), "conf", "models");
            List<ScalingBenchmark.Model> specs = new ArrayList<>();
            for (String name : architectures) {
                Path file = dir.resolve(name + ".conf");
                if (!Files.isRegularFile(file)) {
                    throw new UserException("--architectures: no " + file + " (allowed: the .conf files of " + dir
                            + ", or another folder with --models)");
                }
                specs.add(new ScalingBenchmark.Model(name, ConfigLoader.load(SegmentationSpec.class, file.toString(),
                        List.of("numClasses=" + classes, "inputHeight=" + size, "inputWidth=" + size))));
            }
            return new ScalingBenchmark.Options(specs, size, batch, averagingFrequency, warmup, rounds, bandwidthGbps, project);
        }

        private static void atLeast(String option, int value, int min) {
            if (value < min) {
                throw new UserException(option + " must be >= " + min + ", found " + value);
            }
        }
    }
}
