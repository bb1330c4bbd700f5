package io.segpipe.jobs.train;

import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.graph.ComputationGraph;

import io.segpipe.jobs.data.Augmenter;
import io.segpipe.jobs.data.CorruptRowFilter;
import io.segpipe.jobs.data.Decoding;
import io.segpipe.jobs.eval.ConfusionMatrix;
import io.segpipe.jobs.eval.SegmentationMetrics;
import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.infer.LoadedModel;
import io.segpipe.jobs.infer.ModelBroadcast;
import io.segpipe.jobs.infer.PartitionInference;
import io.segpipe.jobs.infer.Predictor;
import io.segpipe.prep.reader.TensorSample;
import io.segpipe.prep.schema.ClassTable;

/**
 * Validation during training with the evaluation job's pieces: the current network is broadcast
 * ({@link ModelBroadcast}), each partition decodes its rows (skipping corrupt ones), resizes them
 * by the job's input scale, predicts them whole-image in same-size batches
 * ({@link PartitionInference}) and fills a {@link ConfusionMatrix}; the matrices are merged with
 * {@code treeAggregate} and turned into {@link SegmentationMetrics}. Predictions never reach the
 * driver.
 */
final class Validator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final CorruptRowFilter decoder;
    private final double inputScale;
    private final int numClasses;
    private final int ignoreLabel;
    private final InferenceConfig inference;
    private final int threads;

    Validator(CorruptRowFilter decoder, double inputScale, ClassTable classes, int batchSize, int threads) {
        this.decoder = decoder;
        this.inputScale = inputScale;
        this.numClasses = classes.numClasses();
        this.ignoreLabel = classes.ignore().orElse(-1);
        this.inference = inference(batchSize);
        this.threads = threads;
    }

    /**
     * How validation applies the network: whole image, {@code batchSize} images per pass. The
     * model directory records it as the inference its metrics were measured with.
     */
    static InferenceConfig inference(int batchSize) {
        return InferenceConfig.builder().batchSize(batchSize).build();
    }

    /**
     * Metrics of {@code net} on {@code rows}. The network is restored once per partition, not
     * pooled per JVM ({@link ModelBroadcast#restore}): a run validates many versions of the network,
     * and pooled copies of each would accumulate in long-lived executors.
     */
    SegmentationMetrics validate(JavaSparkContext sc, JavaRDD<Row> rows, ComputationGraph net, TrainSetup setup,
                                 String description) {
        ModelBroadcast model = ModelBroadcast.of(sc, LoadedModel.of(net, setup.spec(), description));
        try {
            ConfusionMatrix zero = new ConfusionMatrix(numClasses, ignoreLabel);
            ConfusionMatrix total = rows.mapPartitions(it -> partition(it, model))
                    .treeAggregate(zero, ConfusionMatrix::combine, ConfusionMatrix::combine);
            return SegmentationMetrics.of(total, setup.classes());
        } finally {
            model.destroy();
        }
    }

    private Iterator<ConfusionMatrix> partition(Iterator<Row> rows, ModelBroadcast model) throws IOException {
        ConfusionMatrix matrix = new ConfusionMatrix(numClasses, ignoreLabel);
        Predictor predictor = new Predictor(model.restore(threads), inference);
        PartitionInference.ofSamples(predictor, false).run(Decoding.skippingBad(rows, this::decodeAtInputScale),
                (sample, p) -> matrix.add(sample.label(), 0, p.labels(), p.offset(), p.pixels()));
        return List.of(matrix).iterator();
    }

    /** The row's sample resized as training sees it, or null when the row is corrupt (counted). */
    private TensorSample decodeAtInputScale(Row row) {
        TensorSample sample = decoder.decodeOrSkip(row);
        return sample == null ? null : Augmenter.resize(sample, inputScale, ignoreLabel);
    }
}
