package io.segpipe.jobs.cli;

/** A problem the user can fix; its message is printed as it is, without a stack trace. */
public final class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
