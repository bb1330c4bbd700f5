package io.segpipe.jobs.train;

import java.io.Serializable;
import java.util.Iterator;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.jobs.data.Augmenter;
import io.segpipe.jobs.data.Batches;
import io.segpipe.jobs.data.CorruptRowFilter;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.reader.TensorSample;
import io.segpipe.prep.schema.ShardSchema;
import scala.Tuple2;

/**
 * One epoch's training minibatches, built on the executors from the cached shard rows: a random
 * sort key per row from (seed, epoch, id) shuffles the rows into {@code workers} range partitions
 * (only the compressed row bytes move, never decoded tensors), then each partition decodes,
 * augments and batches its rows lazily into minibatches of {@code batchSizePerWorker}. Nothing is
 * collected to the driver, and the same seed and epoch give the same minibatches.
 */
final class EpochData implements Serializable {
    private static final long serialVersionUID = 1L;

    private final CorruptRowFilter decoder;
    private final Augmenter augmenter;
    private final double inputScale;
    private final SegmentationSpec spec;
    private final int batchSize;
    private final long seed;
    private final int threads;

    EpochData(CorruptRowFilter decoder, Augmenter augmenter, double inputScale, SegmentationSpec spec, int batchSize,
              long seed, int threads) {
        this.decoder = decoder;
        this.augmenter = augmenter;
        this.inputScale = inputScale;
        this.spec = spec;
        this.batchSize = batchSize;
        this.seed = seed;
        this.threads = threads;
    }

    /** The minibatches of 0-based {@code epoch}, in {@code workers} partitions. */
    JavaRDD<MultiDataSet> epoch(JavaRDD<Row> rows, int epoch, int workers) {
        long s = seed;
        JavaPairRDD<Long, Row> keyed = rows.mapToPair(r -> new Tuple2<>(
                Augmenter.shuffleKey(s, epoch, r.getString(r.fieldIndex(ShardSchema.ID))), r));
        JavaRDD<Row> shuffled = keyed.sortByKey(true, workers).values();
        return shuffled.mapPartitions(it -> batches(it, epoch));
    }

    /** Decode, augment and batch one partition (executor side). */
    Iterator<MultiDataSet> batches(Iterator<Row> rows, int epoch) {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(threads);
        Nd4j.getRandom().setSeed(seed * 31 + epoch);
        Iterator<TensorSample> decoded = decoder.decode(rows);
        Iterator<TensorSample> augmented = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return decoded.hasNext();
            }

            @Override
            public TensorSample next() {
                TensorSample s = decoded.next();
                return augmenter.apply(s, inputScale, Augmenter.random(seed, epoch, s.id()));
            }
        };
        return Batches.trainingBatches(augmented, batchSize, spec);
    }
}
