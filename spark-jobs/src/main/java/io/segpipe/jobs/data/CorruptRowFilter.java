package io.segpipe.jobs.data;

import java.io.Serializable;
import java.util.Iterator;

import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.prep.reader.RowDecoder;
import io.segpipe.prep.reader.TensorSample;
import io.segpipe.prep.schema.ShardSchema;

/**
 * Decodes shard rows on executors like {@link RowDecoder}, but a row that does not decode (damaged
 * bytes, sizes that disagree, label values outside the class table) is <b>skipped, counted and
 * logged with its id</b> instead of failing the job: the count goes to a Spark accumulator and the
 * ids to a second one, so the driver reports both after every epoch. (Accumulators count again
 * when Spark re-runs a task; the ids say which rows they were.)
 */
public final class CorruptRowFilter implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CorruptRowFilter.class);

    private final RowDecoder decoder;
    private final LongAccumulator skipped;
    private final CollectionAccumulator<String> skippedIds;

    public CorruptRowFilter(RowDecoder decoder, LongAccumulator skipped, CollectionAccumulator<String> skippedIds) {
        this.decoder = decoder;
        this.skipped = skipped;
        this.skippedIds = skippedIds;
    }

    /** Lazily decodes a partition, skipping corrupt rows. */
    public Iterator<TensorSample> decode(Iterator<Row> rows) {
        return Decoding.skippingBad(rows, this::decodeOrSkip);
    }

    /** The decoded sample, or null (counted and logged) when the row is corrupt. */
    public TensorSample decodeOrSkip(Row row) {
        try {
            return decoder.decode(row);
        } catch (RuntimeException e) {
            String id = idOf(row);
            LOG.warn("Skipping corrupt row {}: {}", id, e.getMessage());
            skipped.add(1);
            skippedIds.add(id);
            return null;
        }
    }

    private static String idOf(Row row) {
        try {
            return String.valueOf(row.getString(row.fieldIndex(ShardSchema.ID)));
        } catch (RuntimeException e) {
            return "<row without id: " + row.schema().simpleString() + ">";
        }
    }
}
