package io.segpipe.jobs.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.spark.SparkException;

import io.segpipe.jobs.registry.RegistryLockedException;
import io.segpipe.jobs.score.OutputInUseException;
import io.segpipe.jobs.train.ExecutorsLostException;
import io.segpipe.model.backend.BackendException;
import io.segpipe.model.io.ModelFileException;
import io.segpipe.prep.InvalidInputException;
import io.segpipe.prep.reader.TooManyCorruptRowsException;
import picocli.CommandLine;

/**
 * The exit codes of {@code segpipe}, one per kind of outcome a scheduler acts on differently, and
 * the one mapping from an exception to its code ({@link #of}). {@code segpipe --help} and the
 * README list them.
 */
public enum ExitCode {
    /** The command did what it was asked. */
    OK(0, "success"),
    /** A failure segpipe does not classify; with --debug it prints the stack trace to report. */
    FAILED(1, "unexpected error (a defect, or a failure of a kind not listed here): run again with --debug and report it"),
    /** The command line or configuration is wrong: fix it, do not retry as is. */
    USAGE(2, "usage or configuration error: unknown option or key, invalid value, missing configuration file, output "
            + "exists without overwrite, JVM or native backend not set up"),
    /** An input does not exist, is incomplete or invalid, or does not fit the configuration. */
    BAD_INPUT(3, "invalid input: the dataset, model or images are missing, incomplete (no completion marker), corrupt, "
            + "or do not fit the configuration"),
    /** Another run holds what this one needs; retry after it ends. */
    LOCKED(4, "locked: another run holds the model registry or the scoring output; retry when it has finished"),
    /** The work failed while running; a retry may succeed. */
    RUNTIME(5, "runtime failure: a Spark job failed (lost executors, task errors) or reading or writing files failed"),
    /** A retraining run registered its challenger but the challenger did not reach the quality floor. */
    QUALITY_GATE(6, "retrain: the challenger scored below the configured floor (or undefined) and was not promoted; "
            + "the production model is unchanged");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    /** What the code means, as {@code --help} lists it. */
    public String meaning() {
        return meaning;
    }

    /**
     * The code of a command that ended with {@code error}. Wrappers that only carry another
     * exception (unchecked I/O, futures, reflection) are looked through; Spark's own job failure
     * is a runtime failure whatever its task threw.
     */
    public static ExitCode of(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof RegistryLockedException || e instanceof OutputInUseException) {
            return LOCKED;
        }
        if (e instanceof UserException || e instanceof BackendException || e instanceof FileAlreadyExistsException
                || e instanceof java.nio.file.FileAlreadyExistsException || e instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        if (e instanceof InvalidInputException || e instanceof ModelFileException || e instanceof FileNotFoundException
                || e instanceof IllegalArgumentException || e instanceof TooManyCorruptRowsException) {
            return BAD_INPUT;
        }
        if (e instanceof SparkException || e instanceof IOException || e instanceof ExecutorsLostException) {
            return RUNTIME;
        }
        return FAILED;
    }

    /** Every code with its meaning, in order, for picocli's exit-code list. */
    static Map<String, String> helpList() {
        Map<String, String> list = new LinkedHashMap<>();
        for (ExitCode c : values()) {
            list.put(String.valueOf(c.code), c.meaning);
        }
        list.put("128+N", "killed by signal N (130: interrupted, 143: terminated); the output is left incomplete, "
                + "without its completion marker");
        return list;
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t != t.getCause() && (t instanceof UncheckedIOException
                || t instanceof CompletionException || t instanceof ExecutionException
                || t instanceof UndeclaredThrowableException || t instanceof InvocationTargetException)) {
            t = t.getCause();
        }
        return t;
    }
}
