package io.segpipe.jobs.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

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

    @Option(names = "--result", paramLabel = "FILE", description = "Also write the job's full result as JSON to FILE.")
    Path resultJson;

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
        C config = adjust(job.load(configType()));
        if (job.printConfig) {
            System.out.println(Json.write(config));
            return 0;
        }
        SparkSession spark = SparkSessions.start(appName(), job.master);
        try {
            R result = run(config, spark);
            print(result);
            if (resultJson != null) {
                Reports.writeJson(resultJson, result);
            }
            return 0;
        } finally {
            spark.stop();
        }
    }
}
