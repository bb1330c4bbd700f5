package io.segpipe.jobs.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

import io.segpipe.prep.Json;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

    @Spec
    CommandSpec spec;

    @Option(names = "--result", paramLabel = "FILE", description = "Also write the job's full result as JSON to FILE.")
    Path resultJson;

    /** The config record the configuration binds to. */
    abstract Class<C> configType();

    /** Applies command-specific flags to the bound configuration (default: none). */
    C adjust(C config) {
        return config;
    }

    /**
     * The configuration as the job will run it, for {@code --print-config}: values the job takes
     * from its model when the configuration leaves them unset are filled in, with a note on
     * {@code notes} per value saying where it comes from. Default: the configuration as bound.
     */
    C effective(C config, Configuration hadoop, PrintWriter notes) throws IOException {
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
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter notes = spec.commandLine().getErr();
            out.println(Json.write(effective(config, new Configuration(), notes)));
            out.flush();
            notes.flush();
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
