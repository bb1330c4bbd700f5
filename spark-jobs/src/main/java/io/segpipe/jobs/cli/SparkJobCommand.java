package io.segpipe.jobs.cli;

import java.util.concurrent.Callable;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

import io.segpipe.prep.Json;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What every Spark job command does: bind its configuration (file + overrides) to the job's
 * config record, start Spark, run the job, print a summary and optionally write the result as
 * JSON. Subclasses name the config type, call the job and say what to print.
 *
 * @param <C> the job's config record
 * @param <R> the job's result record
 */
abstract class SparkJobCommand<C, R> implements Callable<Integer> {
    @Mixin
    JobOptions job;

    @Option(names = "--result", paramLabel = "PATH",
            description = "Also write the job's full result as JSON to PATH: any Hadoop path (hdfs:///runs/r.json); "
                    + "without a scheme a local file (in cluster deploy mode, on the driver's machine).")
    String resultJson;

    /** The config record the configuration binds to. */
    abstract Class<C> configType();

    /** Applies command-specific flags to the bound configuration (default: none). */
    C adjust(C config) {
        return config;
    }

    abstract R run(C config, SparkSession spark) throws Exception;

    abstract void print(R result);

    /** The Spark application name. */
    abstract String appName();

    @Override
    public final Integer call() throws Exception {
        Configuration hadoop = CliPaths.hadoopConfiguration();
        C config = adjust(job.load(configType(), hadoop));
        if (job.printConfig) {
            System.out.println(Json.write(config));
            return 0;
        }
        if (resultJson != null) {
            // an unknown scheme fails now, not after the job
            CliPaths.fileSystem(CliPaths.resolve(resultJson), hadoop, "--result");
        }
        SparkSession spark = SparkSessions.start(appName(), job.master);
        try {
            R result = run(config, spark);
            print(result);
            if (resultJson != null) {
                Reports.writeJson(resultJson, result, spark.sparkContext().hadoopConfiguration());
            }
            return 0;
        } finally {
            spark.stop();
        }
    }
}
