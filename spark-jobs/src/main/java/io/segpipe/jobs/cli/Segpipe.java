package io.segpipe.jobs.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

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
 * {@code --verbose} adds the chain of causes (a line each: class and the first line of its
 * message, no stack frames), {@code --debug} the full stack trace.
 */
@Command(name = "segpipe",
        mixinStandardHelpOptions = true,
        versionProvider = Versions.class,
        description = {"Distributed training pipeline for semantic image segmentation on Apache Spark.",
                "A command that fails prints one line naming the cause and exits with one of the codes below; "
                        + "--verbose adds the cause chain, --debug the stack trace."},
        subcommands = {DemoCommand.class, PrepCommand.class, TrainCommand.class, EvalCommand.class, ScoreCommand.class,
                RetrainCommand.class, RegistryCommand.class, UiCommand.class, EnvCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Segpipe {

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "On a failure, print its full stack trace after the one line.")
    boolean debug;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "On a failure, list its causes after the one line: 'caused by: <class>: <message>', "
                    + "one line each, innermost last, without stack frames.")
    boolean verbose;

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
        boolean debug = matched(parsed, "--debug");
        boolean verbose = matched(parsed, "--verbose");
        err.println("segpipe: " + summary(e) + (isExplained(e) || debug ? "" : hint(e, verbose)));
        if (debug) {
            e.printStackTrace(err);
        } else if (verbose) {
            causeLines(e).forEach(err::println);
        }
        err.flush();
        return ExitCode.of(e).code();
    }

    /** Whether {@code option} was given, to segpipe or to the subcommand (it is inherited by every one). */
    private static boolean matched(CommandLine.ParseResult parsed, String option) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(option)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The one line: an explained exception's message, any other's class and message. Only the first
     * line of the message: a failed Spark job's goes on with the executor's stack trace.
     */
    private static String summary(Exception e) {
        String message = firstLine(e.getMessage());
        if (isExplained(e) && message != null) {
            return message;
        }
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static String hint(Exception e, boolean verbose) {
        return verbose || e.getCause() == null ? " (run with --debug for the stack trace)"
                : " (run with --verbose for its causes, --debug for the stack trace)";
    }

    /**
     * {@code caused by: <class>: <first line of its message>} for each cause of {@code e}, outermost
     * first, each once (a cyclic chain ends at the first repeat). A cause whose message only repeats
     * its own cause's (a wrapper made with {@code new X(cause)}, or one that passes the message on)
     * is listed by its class alone: the message follows on the next line.
     */
    static List<String> causeLines(Throwable e) {
        List<String> lines = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(e);
        for (Throwable t = e.getCause(); t != null && seen.add(t); t = t.getCause()) {
            String message = repeatsItsCause(t) ? null : firstLine(t.getMessage());
            lines.add("caused by: " + t.getClass().getName() + (message == null ? "" : ": " + message));
        }
        return lines;
    }

    private static boolean repeatsItsCause(Throwable t) {
        Throwable cause = t.getCause();
        String message = firstLine(t.getMessage());
        return cause != null && cause != t && message != null
                && (message.equals(firstLine(cause.toString())) || message.equals(firstLine(cause.getMessage())));
    }

    /** The first line of {@code message}, stripped; null for a null or blank message. */
    private static String firstLine(String message) {
        if (message == null) {
            return null;
        }
        int end = message.indexOf('\n');
        String line = (end < 0 ? message : message.substring(0, end)).strip();
        return line.isEmpty() ? null : line;
    }

    /** Every command's help ends with the exit codes; usage errors (picocli's own) exit with {@link ExitCode#USAGE}. */
    private static void listExitCodes(CommandLine cli) {
        cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCode.helpList());
        cli.getCommandSpec().exitCodeOnInvalidInput(ExitCode.USAGE.code());
        cli.getSubcommands().values().forEach(Segpipe::listExitCodes);
    }

    /** Exceptions whose message already names the file or setting and the cause: no class name, no trace. */
    private static boolean isExplained(Exception e) {
        return e instanceof BackendException || e instanceof IllegalArgumentException || e instanceof UserException
                || e instanceof java.io.IOException || e instanceof ExecutorsLostException
                || e instanceof TooManyCorruptRowsException;
    }
}
