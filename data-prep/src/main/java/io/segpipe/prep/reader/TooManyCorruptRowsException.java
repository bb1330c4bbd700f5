package io.segpipe.prep.reader;

/**
 * A split has more corrupt rows than {@link CorruptRowLimit} allows: the stored data was damaged
 * after prep, and only preparing it again helps. The message names the split, the counts, the limit
 * and the first corrupt ids.
 */
public final class TooManyCorruptRowsException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public TooManyCorruptRowsException(String message) {
        super(message);
    }
}
