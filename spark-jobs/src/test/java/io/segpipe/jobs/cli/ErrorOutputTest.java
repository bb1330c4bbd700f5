package io.segpipe.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/**
 * What a failed command prints: one line by default; with {@code --verbose} that line and then
 * each cause once, outermost first, without stack frames; with {@code --debug} the stack trace.
 * A command that throws a given exception stands in for a real one ({@link ExitCodeTest.Fail}).
 */
class ErrorOutputTest {

    private record Run(int exitCode, List<String> lines) {
    }

    /** Runs {@code segpipe <before...> fail <after...>}. */
    private static Run failWith(Exception e, List<String> before, List<String> after) {
        StringWriter err = new StringWriter();
        CommandLine cli = Segpipe.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true));
        cli.addSubcommand("fail", new ExitCodeTest.Fail(e));
        cli.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(before);
        args.add("fail");
        args.addAll(after);
        return new Run(cli.execute(args.toArray(String[]::new)), err.toString().lines().toList());
    }

    private static Run failWith(Exception e, String... after) {
        return failWith(e, List.of(), List.of(after));
    }

    /**
     * A Spark job failure as the driver gets it: a multi-line message with the executor's trace, its
     * cause the task's exception, which wraps a wrapper made with {@code new IOException(cause)}
     * around the innermost exception, whose message has two lines.
     */
    private static SparkException sparkFailure() {
        FileNotFoundException innermost = new FileNotFoundException("broken:/images/img0.png (no such file)\nsecond line");
        IOException wrapper = new IOException(innermost); // message: "java.io.FileNotFoundException: broken:/..."
        UncheckedIOException task = new UncheckedIOException("cannot read broken:/images/img0.png", wrapper);
        return new SparkException("Job aborted due to stage failure: Task 0 in stage 1.0 failed 1 times, most recent "
                + "failure: Lost task 0.0 in stage 1.0 (TID 1): java.io.UncheckedIOException: cannot read broken:/images/"
                + "img0.png\n\tat io.segpipe.jobs.score.PartitionScorer.decode(PartitionScorer.java:120)\n\nDriver stacktrace:",
                task);
    }

    private static final String SPARK_LINE = "segpipe: SparkException: Job aborted due to stage failure: Task 0 in stage 1.0"
            + " failed 1 times, most recent failure: Lost task 0.0 in stage 1.0 (TID 1): java.io.UncheckedIOException:"
            + " cannot read broken:/images/img0.png";

    @Test
    void byDefaultAFailureIsExactlyOneLine() {
        Run spark = failWith(sparkFailure());
        assertEquals(ExitCode.RUNTIME.code(), spark.exitCode());
        assertEquals(List.of(SPARK_LINE + " (run with --verbose for its causes, --debug for the stack trace)"),
                spark.lines());

        Run explained = failWith(new IOException("cannot write /out/part-0\nmore detail", new AccessDeniedException("/out")));
        assertEquals(List.of("segpipe: cannot write /out/part-0"), explained.lines());

        Run noMessage = failWith(new IllegalStateException());
        assertEquals(List.of("segpipe: IllegalStateException (run with --debug for the stack trace)"), noMessage.lines());
        Run explainedNoMessage = failWith(new IOException());
        assertEquals(List.of("segpipe: IOException"), explainedNoMessage.lines());
    }

    @Test
    void verboseListsEachCauseOnceInOrderWithoutStackFrames() {
        List<String> expected = List.of(SPARK_LINE + " (run with --debug for the stack trace)",
                "caused by: java.io.UncheckedIOException: cannot read broken:/images/img0.png",
                "caused by: java.io.IOException", // only repeated its cause's message
                "caused by: java.io.FileNotFoundException: broken:/images/img0.png (no such file)");
        // the option is inherited: after the subcommand or before it
        Run after = failWith(sparkFailure(), "--verbose");
        assertEquals(ExitCode.RUNTIME.code(), after.exitCode());
        assertEquals(expected, after.lines());
        assertEquals(expected, failWith(sparkFailure(), List.of("--verbose"), List.of()).lines());

        Run explained = failWith(new IOException("cannot write /out/part-0", new AccessDeniedException("/out")), "--verbose");
        assertEquals(List.of("segpipe: cannot write /out/part-0", "caused by: java.nio.file.AccessDeniedException: /out"),
                explained.lines());

        Run none = failWith(new IllegalStateException("inconsistent state"), "--verbose");
        assertEquals(List.of("segpipe: IllegalStateException: inconsistent state (run with --debug for the stack trace)"),
                none.lines());
    }

    @Test
    void aCyclicCauseChainIsListedOnce() {
        IllegalStateException a = new IllegalStateException("a");
        IllegalStateException b = new IllegalStateException("b");
        a.initCause(b);
        b.initCause(a);
        assertEquals(List.of("segpipe: IllegalStateException: a (run with --debug for the stack trace)",
                "caused by: java.lang.IllegalStateException: b"), failWith(a, "--verbose").lines());
    }

    @Test
    void debugStillPrintsTheStackTrace() {
        for (List<String> options : List.of(List.of("--debug"), List.of("--debug", "--verbose"))) {
            Run run = failWith(sparkFailure(), options.toArray(String[]::new));
            assertEquals(ExitCode.RUNTIME.code(), run.exitCode());
            assertEquals(SPARK_LINE, run.lines().get(0), options.toString());
            assertTrue(run.lines().contains("org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in"
                    + " stage 1.0 failed 1 times, most recent failure: Lost task 0.0 in stage 1.0 (TID 1):"
                    + " java.io.UncheckedIOException: cannot read broken:/images/img0.png"), run.lines().toString());
            assertTrue(run.lines().stream().anyMatch(l -> l.startsWith("\tat io.segpipe.jobs.cli.ErrorOutputTest.")),
                    "stack frames: " + run.lines());
            assertTrue(run.lines().stream().anyMatch(l -> l.startsWith("Caused by: java.io.FileNotFoundException: ")),
                    run.lines().toString());
            assertFalse(run.lines().stream().anyMatch(l -> l.startsWith("caused by: ")), "the trace has the causes");
        }
        assertEquals(List.of("segpipe: IllegalStateException"), failWith(new IllegalStateException(), "--debug")
                .lines().subList(0, 1));
    }

    @Test
    void theHelpOfEveryCommandListsVerboseAndDebug() {
        for (List<String> command : List.of(List.<String>of(), List.of("score"), List.of("registry", "list"))) {
            StringWriter out = new StringWriter();
            CommandLine cli = Segpipe.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            assertEquals(0, cli.execute(args.toArray(String[]::new)));
            String help = out.toString().replaceAll("\\s+", " "); // picocli wraps the descriptions
            assertTrue(help.contains("--verbose") && help.contains("caused by: <class>: <message>"), command + ": " + help);
            assertTrue(help.contains("--debug") && help.contains("full stack trace"), command + ": " + help);
        }
    }
}
