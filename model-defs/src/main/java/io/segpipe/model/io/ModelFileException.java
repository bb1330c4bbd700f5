package io.segpipe.model.io;

import java.io.IOException;

/** A model file that is not a DL4J ComputationGraph model file; the message names the file and the cause. */
public class ModelFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public ModelFileException(String message) {
        super(message);
    }

    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
