package io.segpipe.jobs.eval;

import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import org.apache.spark.sql.Row;

import io.segpipe.jobs.data.Decoding;
import io.segpipe.jobs.infer.BadImage;
import io.segpipe.jobs.infer.ImagePrediction;
import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.infer.InputChecks;
import io.segpipe.jobs.infer.ModelBroadcast;
import io.segpipe.jobs.infer.PartitionInference;
import io.segpipe.jobs.infer.Predictor;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.reader.RowDecoder;
import io.segpipe.prep.reader.TensorSample;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.ShardSchema;

/**
 * What {@link EvalJob} does with one partition of shard rows (executor side; serializable, shipped
 * with every task): decode each row with its label map (an unusable row is listed as bad), predict
 * ({@link PartitionInference}) and count every pixel into the partition's {@link ConfusionMatrix};
 * keep the stored bytes and the prediction of the requested overlay examples.
 */
final class PartitionEvaluator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ModelBroadcast model;
    private final InferenceConfig inference;
    private final double inputScale;
    private final RowDecoder decoder;
    private final int numClasses;
    private final int ignoreLabel;
    private final int threads;
    private final Set<String> exampleIds;
    private final int maxBadListed;

    /** @param config the configuration with its settings resolved ({@link EvalConfig#withSettings}) */
    PartitionEvaluator(ModelBroadcast model, EvalConfig config, ClassTable classes, int threads, Set<String> exampleIds) {
        this.model = model;
        this.inference = config.inference();
        this.inputScale = config.inputScale();
        this.decoder = new RowDecoder(config.normalization(), classes.numClasses(), classes.ignoreLabel());
        this.numClasses = classes.numClasses();
        this.ignoreLabel = classes.ignore().orElse(-1);
        this.threads = threads;
        this.exampleIds = exampleIds;
        this.maxBadListed = config.maxBadListed();
    }

    EvalPartial zero() {
        return new EvalPartial(new ConfusionMatrix(numClasses, ignoreLabel), maxBadListed);
    }

    Iterator<EvalPartial> evaluate(Iterator<Row> rows) throws IOException {
        EvalPartial part = zero();
        try (ModelBroadcast.Lease lease = model.lease(threads)) {
            PartitionInference<Decoded> loop = new PartitionInference<>(
                    new Predictor(lease.segmenter(), inference, inputScale), false, Decoded::sample);
            loop.run(Decoding.skippingBad(rows, row -> decode(row, part)), (d, p) -> count(d, p, part));
            part.images += loop.images();
            part.inferenceNanos += loop.inferenceNanos();
        }
        return List.of(part).iterator();
    }

    private static void count(Decoded d, ImagePrediction p, EvalPartial part) {
        part.matrix.add(d.sample.label(), 0, p.labels(), p.offset(), p.pixels());
        if (d.imageBytes != null) {
            part.examples.add(new EvalPartial.Example(d.sample.id(), d.imageBytes, d.labelBytes,
                    ImageCodec.encodeGreyPng(p.width(), p.height(), p.labelBytes())));
        }
    }

    /** The sample of {@code row}, or null when it is unusable (recorded in {@code part}). */
    private Decoded decode(Row row, EvalPartial part) {
        String id = row.getString(row.fieldIndex(ShardSchema.ID));
        TensorSample sample;
        try {
            sample = decoder.decode(row);
        } catch (RuntimeException e) {
            part.addBad(new BadImage(id, String.valueOf(e.getMessage())));
            return null;
        }
        String mismatch = InputChecks.channelMismatch(sample.channels(), model.spec());
        if (mismatch != null) {
            part.addBad(new BadImage(id, mismatch));
            return null;
        }
        if (exampleIds.contains(id)) {
            return new Decoded(sample, (byte[]) row.get(row.fieldIndex(ShardSchema.IMAGE)),
                    (byte[]) row.get(row.fieldIndex(ShardSchema.LABEL)));
        }
        return new Decoded(sample, null, null);
    }

    /** A decoded sample, with its stored bytes when it is an overlay example. */
    private record Decoded(TensorSample sample, byte[] imageBytes, byte[] labelBytes) {
    }
}
