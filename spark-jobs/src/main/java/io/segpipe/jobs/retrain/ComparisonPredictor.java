package io.segpipe.jobs.retrain;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.sql.Row;

import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.infer.InputSettings;
import io.segpipe.jobs.infer.ModelBroadcast;
import io.segpipe.jobs.infer.PartitionInference;
import io.segpipe.jobs.infer.Predictor;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.reader.RowDecoder;
import io.segpipe.prep.reader.TensorSample;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.ShardSchema;

/**
 * What the comparison does with a partition of the few rows it shows (executor side; serializable):
 * decode each row as the model's training recorded ({@link InputSettings}), predict it
 * ({@link PartitionInference}, the loop evaluation and scoring use) and return the stored image and
 * label bytes with the prediction as an 8-bit PNG of class ids. Only the rows of the shown images
 * reach it (the split is filtered by id first), so only those pictures travel to the driver.
 */
final class ComparisonPredictor implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ModelBroadcast model;
    private final InferenceConfig inference;
    private final double inputScale;
    private final RowDecoder decoder;
    private final int threads;

    ComparisonPredictor(ModelBroadcast model, InputSettings settings, ClassTable classes, int threads) {
        this.model = model;
        this.inference = settings.inference();
        this.inputScale = settings.inputScale();
        RowDecoder rows = new RowDecoder(settings.normalization(), classes.numClasses(), classes.ignoreLabel());
        // the dense CRF compares the decoded 8-bit colours, not the normalised tensor
        this.decoder = settings.inference().crf() == null ? rows : rows.keepingPixels();
        this.threads = threads;
    }

    /**
     * One image's pictures.
     *
     * @param id         sample id
     * @param image      stored image bytes
     * @param truth      stored label PNG
     * @param prediction 8-bit grey PNG of the predicted class ids, at the label's size
     */
    record Predicted(String id, byte[] image, byte[] truth, byte[] prediction) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    Iterator<Predicted> predict(Iterator<Row> rows) throws IOException {
        List<Predicted> out = new ArrayList<>();
        List<Decoded> decoded = new ArrayList<>();
        while (rows.hasNext()) {
            Row row = rows.next();
            decoded.add(new Decoded(decoder.decode(row), (byte[]) row.get(row.fieldIndex(ShardSchema.IMAGE)),
                    (byte[]) row.get(row.fieldIndex(ShardSchema.LABEL))));
        }
        if (decoded.isEmpty()) {
            return out.iterator();
        }
        try (ModelBroadcast.Lease lease = model.lease(threads)) {
            PartitionInference<Decoded> loop = new PartitionInference<>(
                    new Predictor(lease.segmenter(), inference, inputScale), false,
                    Decoded::sample);
            loop.run(decoded.iterator(), (d, p) -> out.add(new Predicted(d.sample.id(), d.image, d.truth,
                    ImageCodec.encodeGreyPng(p.width(), p.height(), p.labelBytes()))));
        }
        return out.iterator();
    }

    private record Decoded(TensorSample sample, byte[] image, byte[] truth) {
    }
}
