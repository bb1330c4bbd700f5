package io.segpipe.prep.codec;

/**
 * An input file that cannot be used, with a one-line reason fit for the quarantine listing
 * ("corrupt PNG: Error reading PNG image data", "16-bit samples are not supported").
 */
public class BadInputException extends Exception {

    private static final long serialVersionUID = 1L;

    public BadInputException(String reason) {
        super(reason);
    }

    public BadInputException(String reason, Throwable cause) {
        super(reason, cause);
    }

    /** The reason, for the quarantine listing. */
    public String reason() {
        return getMessage();
    }
}
