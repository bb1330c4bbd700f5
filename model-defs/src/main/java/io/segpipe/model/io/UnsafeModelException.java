package io.segpipe.model.io;

/**
 * A model file refused because loading it could run code or was not the file that was recorded:
 * a Java-serialized entry, a JSON configuration naming a class outside DL4J, ND4J and segpipe, or
 * bytes whose SHA-256 differs from the one its model directory records.
 */
public final class UnsafeModelException extends ModelFileException {
    private static final long serialVersionUID = 1L;

    public UnsafeModelException(String message) {
        super(message);
    }
}
