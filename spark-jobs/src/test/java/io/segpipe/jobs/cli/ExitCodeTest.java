package io.segpipe.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.segpipe.jobs.train.ExecutorsLostException;
import io.segpipe.model.backend.BackendException;
import io.segpipe.model.io.ModelFileException;
import io.segpipe.model.io.UnsafeModelException;
import io.segpipe.prep.InvalidInputException;
import io.segpipe.prep.reader.TooManyCorruptRowsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one mapping from a failure to its exit code, through the command line's own handler: a
 * command that throws each kind of failure, and the line and code the user gets. (Each code from
 * a real command: {@link ExitCodesCliTest}.)
 */
class ExitCodeTest {

    /** A command that fails with the given exception. */
    @Command(name = "fail")
    static final class Fail implements Callable<Integer> {
        private final Exception failure;

        Fail(Exception failure) {
            this.failure = failure;
        }

        @Override
        public Integer call() throws Exception {
            throw failure;
        }
    }

    private record Run(int exitCode, String err) {
    }

    private static Run failWith(Exception e) {
        StringWriter err = new StringWriter();
        CommandLine cli = Segpipe.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true));
        cli.addSubcommand("fail", new Fail(e));
        cli.setErr(new PrintWriter(err, true)); // again, for the added command
        return new Run(cli.execute("fail"), err.toString().strip());
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(new IllegalStateException("inconsistent state"), ExitCode.FAILED,
                        "segpipe: IllegalStateException: inconsistent state (run with --debug for the stack trace)"),
                Arguments.of(new NullPointerException("x is null"), ExitCode.FAILED,
                        "segpipe: NullPointerException: x is null (run with --debug for the stack trace)"),
                Arguments.of(new UserException("conf.json: unknown key 'x'"), ExitCode.USAGE,
                        "segpipe: conf.json: unknown key 'x'"),
                Arguments.of(new FileAlreadyExistsException("output /o already exists"), ExitCode.USAGE,
                        "segpipe: output /o already exists"),
                Arguments.of(new BackendException("this CPU lacks AVX2"), ExitCode.USAGE,
                        "segpipe: this CPU lacks AVX2"),
                Arguments.of(new InvalidInputException("dataset /d is not complete"), ExitCode.BAD_INPUT,
                        "segpipe: dataset /d is not complete"),
                Arguments.of(new FileNotFoundException("no model directory at /m"), ExitCode.BAD_INPUT,
                        "segpipe: no model directory at /m"),
                Arguments.of(new IllegalArgumentException("class count mismatch"), ExitCode.BAD_INPUT,
                        "segpipe: class count mismatch"),
                Arguments.of(new UnsafeModelException("model.zip holds a serialized object"), ExitCode.BAD_INPUT,
                        "segpipe: model.zip holds a serialized object"),
                Arguments.of(new ModelFileException("model.zip is not a DL4J model file"), ExitCode.BAD_INPUT,
                        "segpipe: model.zip is not a DL4J model file"),
                Arguments.of(new UncheckedIOException(new FileNotFoundException("no file /x")), ExitCode.BAD_INPUT,
                        "segpipe: UncheckedIOException: java.io.FileNotFoundException: no file /x (run with --debug for"
                                + " the stack trace)"),
                Arguments.of(new TooManyCorruptRowsException("split train of /d: 2 of 10 rows are corrupt"),
                        ExitCode.BAD_INPUT, "segpipe: split train of /d: 2 of 10 rows are corrupt"),
                Arguments.of(new IOException("connection refused"), ExitCode.RUNTIME, "segpipe: connection refused"),
                Arguments.of(new ExecutorsLostException("the application had no executor for 300 s", null), ExitCode.RUNTIME,
                        "segpipe: the application had no executor for 300 s"),
                Arguments.of(new CompletionException(new IOException("disk full")), ExitCode.RUNTIME,
                        "segpipe: CompletionException: java.io.IOException: disk full (run with --debug for the stack"
                                + " trace)"),
                Arguments.of(new SparkException("Job aborted due to stage failure: Lost task 0.0\n\tat a.b.C.d(C.java:1)"
                        + "\n\nDriver stacktrace:"), ExitCode.RUNTIME, "segpipe: SparkException: Job aborted due to stage"
                        + " failure: Lost task 0.0 (run with --debug for the stack trace)"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void eachFailureHasItsCodeAndOneLine(Exception failure, ExitCode expected, String line) {
        Run run = failWith(failure);
        assertEquals(expected.code(), run.exitCode(), run.err());
        assertEquals(line, run.err());
        assertEquals(expected, ExitCode.of(failure));
    }

    @Test
    void theCodesAreDistinctAndDocumentedInTheHelp() {
        assertEquals(ExitCode.values().length, Stream.of(ExitCode.values()).mapToInt(ExitCode::code).distinct().count());
        for (List<String> command : List.of(List.<String>of(), List.of("retrain"), List.of("prep"))) {
            StringWriter out = new StringWriter();
            CommandLine cli = Segpipe.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true));
            cli.setOut(new PrintWriter(out, true));
            List<String> args = new java.util.ArrayList<>(command);
            args.add("--help");
            assertEquals(0, cli.execute(args.toArray(String[]::new)));
            String help = out.toString();
            assertTrue(help.contains("Exit codes:"), command + ": " + help);
            for (ExitCode c : ExitCode.values()) {
                assertTrue(help.lines().anyMatch(l -> l.matches("\\s+" + c.code() + "\\s+" + java.util.regex.Pattern
                        .quote(c.meaning().substring(0, Math.min(20, c.meaning().length()))) + ".*")), command + " lists " + c + ": " + help);
            }
            assertTrue(help.contains("128+N"), help);
        }
    }

    @Test
    void aBadOptionIsAUsageError() {
        StringWriter err = new StringWriter();
        assertEquals(ExitCode.USAGE.code(), Segpipe.execute(new PrintWriter(err, true), "eval", "--no-such-option"));
        assertTrue(err.toString().startsWith("Unknown option: '--no-such-option'"), err.toString());
    }
}
