package io.segpipe.jobs.cli;

import java.io.PrintWriter;

import io.segpipe.jobs.train.ExecutorsLostException;
import io.segpipe.model.backend.BackendException;
import io.segpipe.prep.reader.TooManyCorruptRowsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code segpipe} command line: parses, then hands over to a command's {@code run}. A command
 * that fails prints one line naming the cause and exits with the code of its kind of failure
 * ({@link ExitCode}: usage, bad input, locked, runtime, ...), listed by {@code --help};
 * {@code --debug} adds the stack trace.
 */
@Command(name = "segpipe",
        mixinStandardHelpOptions = true,
        versionProvider = Versions.class,
        description = "Distributed training pipeline for semantic image segmentation on Apache Spark.",
        subcommands = {DemoCommand.class, PrepCommand.class, TrainCommand.class, EvalCommand.class, ScoreCommand.class,
                RetrainCommand.class, RegistryCommand.class, EnvCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Segpipe {

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean debug;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.err, true), args);
    }

    /** As {@link #execute(String...)}, with error messages going to {@code err}. */
    public static int execute(PrintWriter err, String... args) {
        return execute(new PrintWriter(System.out, true), err, args);
    }

    /** As {@link #execute(String...)}, with the output of commands that print through picocli going to {@code out}. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return commandLine(out, err).execute(args);
    }

    /** The configured command line: output to {@code out}; failures print to {@code err} and exit with their {@link ExitCode}. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Segpipe());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(Segpipe::handle);
        listExitCodes(cli);
        return cli;
    }

    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        boolean debug = parsed.hasMatchedOption("--debug");
        boolean explained = isExplained(e);
        err.println("segpipe: " + (explained ? e.getMessage() : e.getClass().getSimpleName() + ": " + firstLine(e))
                + (explained || debug ? "" : " (run with --debug for the stack trace)"));
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCode.of(e).code();
    }

    /** Every command's help ends with the exit codes; usage errors (picocli's own) exit with {@link ExitCode#USAGE}. */
    private static void listExitCodes(CommandLine cli) {
        cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCode.helpList());
        cli.getCommandSpec().exitCodeOnInvalidInput(ExitCode.USAGE.code());
        cli.getSubcommands().values().forEach(Segpipe::listExitCodes);
    }

    /** A failed Spark job's message goes on with the executor's stack trace: the first line says what failed. */
    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end).strip();
    }

    /** Exceptions whose message already names the file or setting and the cause: no class name, no trace. */
    private static boolean isExplained(Exception e) {
        return e instanceof BackendException || e instanceof IllegalArgumentException || e instanceof UserException
                || e instanceof java.io.IOException || e instanceof ExecutorsLostException
                || e instanceof TooManyCorruptRowsException;
    }
}
