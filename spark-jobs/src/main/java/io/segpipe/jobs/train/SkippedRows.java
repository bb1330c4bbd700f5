package io.segpipe.jobs.train;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

import io.segpipe.jobs.data.CorruptRowFilter;
import io.segpipe.prep.reader.RowDecoder;

/**
 * The corrupt rows of one split that a run's decoder skipped on the executors
 * ({@link CorruptRowFilter}): a count and the row ids, in two accumulators. The driver reads what
 * an epoch added against a {@link Mark} taken before it, and checks all distinct ids of the run
 * against the split's size.
 */
final class SkippedRows {
    /** The accumulators' sizes at one moment. */
    record Mark(long count, int ids) {
    }

    private final String split;
    private final LongAccumulator count;
    private final CollectionAccumulator<String> ids;

    SkippedRows(SparkContext sc, String split) {
        this.split = split;
        this.count = sc.longAccumulator("segpipe corrupt rows (" + split + ")");
        this.ids = sc.collectionAccumulator("segpipe corrupt row ids (" + split + ")");
    }

    /** The split whose rows these are. */
    String split() {
        return split;
    }

    /** {@code decoder}, skipping and counting corrupt rows into these accumulators. */
    CorruptRowFilter filter(RowDecoder decoder) {
        return new CorruptRowFilter(decoder, count, ids);
    }

    Mark mark() {
        return new Mark(count.value(), ids.value().size());
    }

    /** Rows skipped since {@code mark}, counting each re-run of a task again. */
    long countSince(Mark mark) {
        return count.value() - mark.count();
    }

    /** Ids of the rows skipped since {@code mark}, each once. */
    SortedSet<String> idsSince(Mark mark) {
        List<String> all = ids.value();
        return new TreeSet<>(all.subList(Math.min(mark.ids(), all.size()), all.size()));
    }

    /** Ids of every row skipped in this run, each once. */
    SortedSet<String> ids() {
        return idsSince(new Mark(0, 0));
    }
}
