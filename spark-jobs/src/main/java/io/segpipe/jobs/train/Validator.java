package io.segpipe.jobs.train;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.segpipe.jobs.data.Augmenter;
import io.segpipe.jobs.data.Batches;
import io.segpipe.jobs.data.CorruptRowFilter;
import io.segpipe.jobs.eval.ConfusionMatrix;
import io.segpipe.jobs.eval.InferenceConfig;
import io.segpipe.jobs.eval.LoadedModel;
import io.segpipe.jobs.eval.Predictor;
import io.segpipe.jobs.eval.SegmentationMetrics;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.predict.Segmenter;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.reader.TensorSample;
import io.segpipe.prep.schema.ClassTable;

/**
 * Validation during training with the evaluation module's pieces: the current network is
 * broadcast (its DL4J zip, as {@link LoadedModel} holds it), each partition decodes its rows (skipping corrupt ones),
 * resizes them by the job's input scale, predicts same-size batches ({@link Predictor}, whole
 * image) and fills a {@link ConfusionMatrix}; the matrices are merged with {@code treeAggregate}
 * and turned into {@link SegmentationMetrics}. Predictions never reach the driver.
 */
final class Validator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final CorruptRowFilter decoder;
    private final double inputScale;
    private final int numClasses;
    private final int ignoreLabel;
    private final int batchSize;
    private final int threads;

    Validator(CorruptRowFilter decoder, double inputScale, ClassTable classes, int batchSize, int threads) {
        this.decoder = decoder;
        this.inputScale = inputScale;
        this.numClasses = classes.numClasses();
        this.ignoreLabel = classes.ignore().orElse(-1);
        this.batchSize = batchSize;
        this.threads = threads;
    }

    /**
     * Metrics of {@code net} on {@code rows}. The network travels as a broadcast DL4J zip and is
     * restored once per partition (not pooled per JVM: a run validates many versions of the network,
     * and pooled copies of each would accumulate in long-lived executors).
     */
    SegmentationMetrics validate(JavaSparkContext sc, JavaRDD<Row> rows, ComputationGraph net, TrainSetup setup,
                                 String description) {
        LoadedModel model = LoadedModel.of(net, setup.spec(), description);
        Broadcast<byte[]> bytes = sc.broadcast(model.bytes());
        String specJson = setup.spec().toJson();
        try {
            ConfusionMatrix zero = new ConfusionMatrix(numClasses, ignoreLabel);
            ConfusionMatrix total = rows.mapPartitions(it -> partition(it, description, specJson, bytes))
                    .treeAggregate(zero, ConfusionMatrix::combine, ConfusionMatrix::combine);
            return SegmentationMetrics.of(total, setup.classes());
        } finally {
            bytes.destroy();
        }
    }

    private Iterator<ConfusionMatrix> partition(Iterator<Row> rows, String description, String specJson,
                                                Broadcast<byte[]> bytes) {
        ConfusionMatrix matrix = new ConfusionMatrix(numClasses, ignoreLabel);
        Nd4jBackend.init();
        Nd4jBackend.setThreads(threads);
        {
            Segmenter segmenter = new LoadedModel(description, SegmentationSpec.fromJson(specJson), bytes.value())
                    .segmenter();
            Predictor predictor = new Predictor(segmenter, InferenceConfig.builder().batchSize(batchSize).build());
            Iterator<TensorSample> decoded = decoder.decode(rows);
            Iterator<TensorSample> resized = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return decoded.hasNext();
                }

                @Override
                public TensorSample next() {
                    return Augmenter.resize(decoded.next(), inputScale, ignoreLabel);
                }
            };
            Iterator<List<TensorSample>> groups = Batches.groups(resized, batchSize);
            while (groups.hasNext()) {
                List<TensorSample> batch = groups.next();
                INDArray images = Batches.features(batch);
                Predictor.BatchPrediction p = predictor.predict(images, false);
                int plane = batch.get(0).height() * batch.get(0).width();
                for (int i = 0; i < batch.size(); i++) {
                    matrix.add(batch.get(i).label(), 0, p.labels(), p.offset(i), plane);
                }
            }
        }
        return List.of(matrix).iterator();
    }
}
