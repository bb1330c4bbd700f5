package io.segpipe.jobs.cli;

import java.io.PrintWriter;

import io.segpipe.model.backend.BackendException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code segpipe} command line: parses, then hands over to a command's {@code run}. Errors a
 * user can fix (bad option, bad input, a backend that cannot load) print one line naming the
 * cause and exit 2; {@code --debug} adds the stack trace.
 */
@Command(name = "segpipe",
        mixinStandardHelpOptions = true,
        versionProvider = Versions.class,
        description = "Distributed training pipeline for semantic image segmentation on Apache Spark.",
        subcommands = {DemoCommand.class, PrepCommand.class, TrainCommand.class, EvalCommand.class, ScoreCommand.class,
                RetrainCommand.class, EnvCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Segpipe {
    static final int EXIT_USER_ERROR = 2;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean debug;

    public static void main(String[] args) {
        int code = execute(args);
        if (code != 0 || !inYarnApplicationMaster()) {
            System.exit(code);
        }
    }

    /**
     * Whether this is a YARN cluster-mode driver. Spark's ApplicationMaster calls {@code main} and
     * reports success only when it returns: a {@code System.exit(0)} runs its shutdown hook first,
     * which marks the application FAILED ("Shutdown hook called before final status was reported").
     * The ApplicationMaster exits the JVM itself after {@code main}.
     */
    private static boolean inYarnApplicationMaster() {
        return System.getProperty("spark.master", "").startsWith("yarn")
                && "cluster".equals(System.getProperty("spark.submit.deployMode"));
    }

    /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.err, true), args);
    }

    /** As {@link #execute(String...)}, with error messages going to {@code err}. */
    public static int execute(PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Segpipe());
        cli.setErr(err);
        cli.setExecutionExceptionHandler(Segpipe::handle);
        return cli.execute(args);
    }

    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        boolean debug = parsed.hasMatchedOption("--debug");
        boolean explained = isExplained(e);
        err.println("segpipe: " + (explained ? "" : e.getClass().getSimpleName() + ": ") + e.getMessage()
                + (explained || debug ? "" : " (run with --debug for the stack trace)"));
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return explained ? EXIT_USER_ERROR : 1;
    }

    /** Exceptions whose message already names the file or setting and the cause: no class name, no trace. */
    private static boolean isExplained(Exception e) {
        return e instanceof BackendException || e instanceof IllegalArgumentException || e instanceof UserException
                || e instanceof java.io.IOException;
    }
}
