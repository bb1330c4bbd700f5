package io.segpipe.model.backend;

/**
 * The ND4J backend cannot run here. The message names the cause and the fix, and is meant to be
 * printed to the user as it is, without a stack trace.
 */
public final class BackendException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
