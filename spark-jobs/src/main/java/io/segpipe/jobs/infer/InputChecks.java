package io.segpipe.jobs.infer;

import java.util.Arrays;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.reader.TensorSample;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.ShardSchema;

/**
 * Whether input fits a model: class count and channels, one message each. The dataset-wide checks
 * run on the driver before any work; the per-image ones on executors, where evaluation and scoring
 * list a misfit image as bad and go on, and validation and training stop on it.
 */
public final class InputChecks {

    private InputChecks() {
    }

    /** Fails unless the model predicts as many classes as the dataset has, naming both. */
    public static void requireSameClassCount(LoadedModel model, PreppedDataset dataset) {
        requireSameClassCount(model, dataset.manifest().classTable(), "dataset " + dataset.path());
    }

    /** Fails unless the model predicts as many classes as {@code classes} holds. */
    public static void requireSameClassCount(LoadedModel model, ClassTable classes, String what) {
        requireSameClassCount(model.spec(), "model " + model.path(), classes, what);
    }

    /**
     * Fails unless a model of {@code spec} predicts as many classes as {@code classes} holds.
     *
     * @param model how to name the model in the message (its path, or the option that configures it)
     */
    public static void requireSameClassCount(SegmentationSpec spec, String model, ClassTable classes, String what) {
        if (classes.numClasses() != spec.numClasses()) {
            throw new IllegalArgumentException("class count mismatch: " + model + " predicts " + spec.numClasses()
                    + " classes but " + what + " has " + classes.numClasses() + " " + Arrays.toString(classes.names()));
        }
    }

    /** Fails unless every image of {@code rows} (shard rows) has the model's channel count; one pass over an int column. */
    public static void requireChannels(Dataset<Row> rows, SegmentationSpec spec, String what) {
        List<Row> found = rows.groupBy(ShardSchema.CHANNELS).count().collectAsList();
        for (Row r : found) {
            int channels = r.getInt(0);
            if (channels != spec.inputChannels()) {
                throw new IllegalArgumentException("channel mismatch: " + what + " has " + r.getLong(1) + " image(s) with "
                        + channels + " channel(s) but the model expects " + spec.inputChannels()
                        + " (spec inputChannels); prepare the data with matching images or use a model for "
                        + channels + "-channel input");
            }
        }
    }

    /** Why an image of {@code channels} channels cannot go into a model of {@code spec}, or null when it can. */
    public static String channelMismatch(int channels, SegmentationSpec spec) {
        return channels == spec.inputChannels() ? null
                : "image has " + channels + " channel(s) but the model expects " + spec.inputChannels();
    }

    /** Fails, naming the sample, unless its image has the model's channel count. */
    public static void requireChannels(TensorSample sample, SegmentationSpec spec) {
        String mismatch = channelMismatch(sample.channels(), spec);
        if (mismatch != null) {
            throw new IllegalArgumentException("sample " + sample.id() + ": " + mismatch);
        }
    }
}
