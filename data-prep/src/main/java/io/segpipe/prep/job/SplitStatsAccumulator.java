package io.segpipe.prep.job;

import org.apache.spark.util.AccumulatorV2;

import java.util.Map;
import java.util.TreeMap;

/**
 * Per-split statistics of the samples the write tasks hand to the Parquet writer, gathered during
 * the write itself rather than by reading the shards back in a second job. The write is a result
 * stage, so Spark merges the updates of exactly one successful attempt per task: the attempt whose
 * shard file was renamed into place ({@link ShardWriter}).
 */
final class SplitStatsAccumulator extends AccumulatorV2<PreparedSample, Map<String, StatsAccumulator>> {

    private static final long serialVersionUID = 1L;

    private final int numClasses;
    private final TreeMap<String, StatsAccumulator> bySplit = new TreeMap<>();

    SplitStatsAccumulator(int numClasses) {
        this.numClasses = numClasses;
    }

    @Override
    public boolean isZero() {
        return bySplit.isEmpty();
    }

    @Override
    public SplitStatsAccumulator copy() {
        SplitStatsAccumulator c = new SplitStatsAccumulator(numClasses);
        c.merge(this);
        return c;
    }

    @Override
    public void reset() {
        bySplit.clear();
    }

    @Override
    public void add(PreparedSample s) {
        split(s.split()).add(s.height(), s.width(), s.classPixels());
    }

    @Override
    public void merge(AccumulatorV2<PreparedSample, Map<String, StatsAccumulator>> other) {
        other.value().forEach((split, stats) -> split(split).merge(stats));
    }

    @Override
    public Map<String, StatsAccumulator> value() {
        return bySplit;
    }

    private StatsAccumulator split(String name) {
        return bySplit.computeIfAbsent(name, k -> new StatsAccumulator(numClasses));
    }
}
