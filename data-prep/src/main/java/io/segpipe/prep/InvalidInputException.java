package io.segpipe.prep;

import java.io.IOException;

/**
 * An input a job reads (a prepared dataset, a model directory, an evaluation report) is missing
 * parts, incomplete or not what it claims to be. Unlike a failed read, running again does not help:
 * the input has to be fixed or written again. The message names the path and what to do.
 */
public class InvalidInputException extends IOException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
