package io.segpipe.jobs.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Lazy decoding of a partition's rows for the jobs that meet bad rows and go on (training,
 * validation, evaluation, scoring): {@code decode} returns null for a row it could not use (having
 * counted and recorded it), and that row is skipped. Nothing is buffered beyond the next element.
 */
public final class Decoding {

    private Decoding() {
    }

    /** The non-null results of {@code decode} over {@code rows}, in order. */
    public static <R, T> Iterator<T> skippingBad(Iterator<R> rows, Function<R, T> decode) {
        return new Iterator<>() {
            private T next;

            @Override
            public boolean hasNext() {
                while (next == null && rows.hasNext()) {
                    next = decode.apply(rows.next());
                }
                return next != null;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                T element = next;
                next = null;
                return element;
            }
        };
    }
}
