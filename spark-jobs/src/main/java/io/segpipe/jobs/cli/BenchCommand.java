package io.segpipe.jobs.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.apache.spark.sql.SparkSession;

import io.segpipe.model.bench.BackendBenchmark;
import io.segpipe.prep.bench.PrepBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code segpipe bench ...}: the benchmarks behind the speed and memory targets, as table + JSON. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark and print a table; the full result is written as JSON.",
        subcommands = {BenchCommand.Backend.class, BenchCommand.Prep.class})
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
            System.out.printf(Locale.ROOT, "%ntraining %.1f GFLOP/s = %.0f%% of SGEMM %.1f GFLOP/s (target >= %.0f%%): %s%n",
                    result.trainGflops(), 100 * result.trainFractionOfSgemm(), result.sgemmGflops(),
                    100 * BackendBenchmark.TARGET_TRAIN_FRACTION_OF_SGEMM, result.meetsSpeedTarget() ? "met" : "NOT met");
            System.out.printf(Locale.ROOT, "peak resident memory %.2f GB (target <= %.1f GB): %s%n",
                    result.peakRssBytes() / 1e9, BackendBenchmark.TARGET_PEAK_RSS_BYTES / 1e9,
                    result.meetsMemoryTarget() ? "met" : "NOT met");
            Reports.writeJson(json, result);
            System.out.println("JSON: " + json.toAbsolutePath());
            return 0;
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
}
