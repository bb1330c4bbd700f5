package io.segpipe.jobs.infer;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.ToLongFunction;

import io.segpipe.prep.reader.TensorSample;

/**
 * Groups a stream of images into batches for one forward pass (or one training minibatch) each:
 * consecutive items of the same size, at most {@code batchSize} per batch (a size change ends a
 * batch early). Lazy: holds one batch at a time, so a partition is never in memory as a whole.
 */
public final class SameSizeBatches<T> implements Iterator<List<T>> {

    private final Iterator<T> items;
    private final int batchSize;
    private final ToLongFunction<T> sizeKey;
    private T pending;

    private SameSizeBatches(Iterator<T> items, int batchSize, ToLongFunction<T> sizeKey) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, found " + batchSize);
        }
        this.items = items;
        this.batchSize = batchSize;
        this.sizeKey = sizeKey;
    }

    /**
     * @param sizeKey a value equal for items that can share a batch, e.g. {@link #key(int, int, int)}
     */
    public static <T> SameSizeBatches<T> of(Iterator<T> items, int batchSize, ToLongFunction<T> sizeKey) {
        return new SameSizeBatches<>(items, batchSize, sizeKey);
    }

    /** A batching key for images of {@code channels x height x width}. */
    public static long key(int channels, int height, int width) {
        return ((long) channels << 48) | ((long) height << 24) | width;
    }

    /** The batching key of a sample's image. */
    public static long key(TensorSample sample) {
        return key(sample.channels(), sample.height(), sample.width());
    }

    @Override
    public boolean hasNext() {
        return pending != null || items.hasNext();
    }

    @Override
    public List<T> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        List<T> batch = new ArrayList<>(batchSize);
        T first = pending != null ? pending : items.next();
        pending = null;
        batch.add(first);
        long key = sizeKey.applyAsLong(first);
        while (batch.size() < batchSize && items.hasNext()) {
            T item = items.next();
            if (sizeKey.applyAsLong(item) != key) {
                pending = item;
                break;
            }
            batch.add(item);
        }
        return batch;
    }
}
