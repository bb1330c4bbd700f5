package io.segpipe.jobs.train;

/**
 * Training stopped because the Spark application had no executor for longer than
 * {@code maxSecondsWithoutExecutors} ({@link ExecutorWatchdog}). Nothing was published; the
 * checkpoints written so far remain for {@code --resume}. The CLI exits with code 5
 * (runtime failure: retry with {@code --resume}) on it.
 */
public final class ExecutorsLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ExecutorsLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
