package io.segpipe.jobs.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.apache.spark.sql.SparkSession;

import io.segpipe.prep.Json;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What every Spark job command does: bind its configuration (file + overrides) to the job's
 * config record, start Spark, run the job, print a summary, optionally write the result as JSON,
 * and exit with the code of the outcome ({@link #outcome}; a failure's code is
 * {@link ExitCode#of}'s). Subclasses name the config type, call the job and say what to print.
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

    /** The exit code of a run that returned {@code result} (default {@link ExitCode#OK}). */
    ExitCode outcome(C config, R result) {
        return ExitCode.OK;
    }

    /** The Spark application name. */
    abstract String appName();

    @Override
    public final Integer call() throws Exception {
        C config = adjust(job.load(configType()));
        if (job.printConfig) {
            System.out.println(Json.write(config));
            return 0;
        }
        // A session that was running before (a JVM that embeds segpipe, tests) is left running.
        boolean shared = SparkSession.getDefaultSession().isDefined();
        SparkSession spark = SparkSessions.start(appName(), job.master);
        try {
            R result = run(config, spark);
            print(result);
            if (resultJson != null) {
                Reports.writeJson(resultJson, result);
            }
            return outcome(config, result).code();
        } finally {
            if (!shared) {
                spark.stop();
            }
        }
    }
}
