package io.segpipe.prep.reader;

import io.segpipe.prep.Checks;

import java.io.Serializable;
import java.util.Collection;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * How many corrupt rows a reader may skip before it must stop. Prep validates every sample, so a
 * row that does not decode means the data was damaged after prep; skipping the odd one keeps a
 * long training run alive, but skipping many would silently train on a different dataset.
 * Readers that skip corrupt rows (counting their ids) check the count against the split's size
 * with {@link PreppedDataset#checkCorruptRows}.
 *
 * @param maxCorruptFraction largest tolerated fraction of a split's rows that are corrupt, in [0, 1]
 *                           (default {@value #DEFAULT_MAX_CORRUPT_FRACTION}, as prep's maxBadFraction)
 */
public record CorruptRowLimit(double maxCorruptFraction) implements Serializable {

    public static final double DEFAULT_MAX_CORRUPT_FRACTION = 0.01;
    public static final CorruptRowLimit DEFAULT = new CorruptRowLimit(DEFAULT_MAX_CORRUPT_FRACTION);

    private static final int IDS_SHOWN = 5;

    public CorruptRowLimit {
        Checks.inRange("maxCorruptFraction", maxCorruptFraction, 0, 1);
    }

    /**
     * Fails when the distinct {@code corruptIds} are more than {@code maxCorruptFraction} of {@code rows}.
     * Ids are counted once each, since accumulators count a row again when Spark re-runs its task.
     *
     * @param what       what was read, for the message ("split train of hdfs:///data/camvid-prep")
     * @param corruptIds ids of the rows skipped as corrupt
     * @param rows       rows of what was read
     * @throws TooManyCorruptRowsException naming what, the counts, the limit and the first ids
     */
    public void check(String what, Collection<String> corruptIds, long rows) {
        TreeSet<String> ids = new TreeSet<>(corruptIds);
        check(what, ids.size(), ids, rows);
    }

    /**
     * Fails when {@code corrupt} rows are more than {@code maxCorruptFraction} of {@code rows}: for
     * readers that count exactly (an aggregation, which counts each row once) but keep only some ids.
     *
     * @param corrupt  corrupt rows, each counted once
     * @param firstIds ids of some of them (at most {@code corrupt}), for the message
     * @throws TooManyCorruptRowsException naming what, the counts, the limit and the first ids
     */
    public void check(String what, long corrupt, Collection<String> firstIds, long rows) {
        double fraction = rows == 0 ? (corrupt == 0 ? 0 : 1) : (double) corrupt / rows;
        if (fraction > maxCorruptFraction) {
            TreeSet<String> ids = new TreeSet<>(firstIds);
            long notShown = corrupt - Math.min(ids.size(), IDS_SHOWN);
            String shown = ids.stream().limit(IDS_SHOWN).collect(Collectors.joining(", "))
                    + (notShown > 0 ? ", ... (" + notShown + " more)" : "");
            throw new TooManyCorruptRowsException(what + ": " + corrupt + " of " + rows + " rows are corrupt ("
                    + String.format(Locale.ROOT, "%.2f%%", 100 * fraction) + "), above maxCorruptFraction "
                    + maxCorruptFraction + "; the data was damaged after prep (prepare it again); corrupt ids: " + shown);
        }
    }
}
