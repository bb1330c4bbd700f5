package io.segpipe.jobs.infer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

import org.nd4j.linalg.api.ndarray.INDArray;

import io.segpipe.model.crf.CrfImage;
import io.segpipe.prep.reader.TensorSample;

/**
 * The inference loop of a partition, the same for evaluation, scoring and validation: consecutive
 * same-size samples are grouped into batches of at most the predictor's batch size
 * ({@link SameSizeBatches}), stacked into one {@code [N, C, H, W]} input ({@link Tensors}) and
 * predicted in one call; then each sample is handed, in input order, with its own slice of the
 * prediction to a {@link Sink}. Lazy: one batch is in memory at a time.
 *
 * <p>With the dense CRF on ({@link Predictor#usesCrf()}), each sample's decoded 8-bit image
 * ({@link TensorSample#pixels()}) goes to the CRF with its probabilities ({@link CrfRefinement});
 * the caller's decoder must keep the pixels then. The time of the network and of the CRF are
 * counted apart ({@link #networkNanos()}, {@link #crfNanos()}).
 *
 * <p>The caller decodes, dropping the rows it cannot use. A sample whose channels are not the
 * model's fails the task with a message naming it ({@link InputChecks#requireChannels(TensorSample,
 * io.segpipe.model.spec.SegmentationSpec)}): evaluation and scoring list such images as bad while
 * decoding, and training checks its dataset's channels before it starts.
 *
 * @param <S> the caller's decoded sample, which may carry more than the tensor (ids, stored bytes)
 */
public final class PartitionInference<S> {

    /** Receives each sample with its prediction. */
    @FunctionalInterface
    public interface Sink<S> {
        void accept(S sample, ImagePrediction prediction) throws IOException;
    }

    private final Predictor predictor;
    private final boolean withConfidence;
    private final Function<? super S, TensorSample> tensor;
    private long images;
    private long networkNanos;
    private long crfNanos;

    /**
     * @param withConfidence also compute each image's confidence ({@link ImagePrediction#confidence()})
     * @param tensor         the image tensor of a sample
     */
    public PartitionInference(Predictor predictor, boolean withConfidence, Function<? super S, TensorSample> tensor) {
        this.predictor = predictor;
        this.withConfidence = withConfidence;
        this.tensor = tensor;
    }

    /** A loop over plain decoded samples. */
    public static PartitionInference<TensorSample> ofSamples(Predictor predictor, boolean withConfidence) {
        return new PartitionInference<>(predictor, withConfidence, s -> s);
    }

    /** Predicts every sample of {@code samples} and hands it to {@code sink}. */
    public void run(Iterator<S> samples, Sink<S> sink) throws IOException {
        SameSizeBatches<S> batches = SameSizeBatches.of(samples, predictor.config().batchSize(),
                s -> SameSizeBatches.key(tensor.apply(s)));
        while (batches.hasNext()) {
            predict(batches.next(), sink);
        }
    }

    private void predict(List<S> batch, Sink<S> sink) throws IOException {
        TensorSample first = tensor.apply(batch.get(0));
        InputChecks.requireChannels(first, predictor.spec());
        List<float[]> chw = new ArrayList<>(batch.size());
        for (S s : batch) {
            chw.add(tensor.apply(s).image());
        }
        INDArray input = Tensors.batch(chw, first.channels(), first.height(), first.width());
        List<CrfImage> colours = null;
        if (predictor.usesCrf()) {
            colours = new ArrayList<>(batch.size());
            for (S s : batch) {
                colours.add(CrfRefinement.image(tensor.apply(s)));
            }
        }
        long start = System.nanoTime();
        INDArray probabilities = predictor.probabilities(input);
        long network = System.nanoTime();
        Predictor.BatchPrediction prediction = predictor.labels(probabilities, colours, withConfidence);
        long end = System.nanoTime();
        if (predictor.usesCrf()) {
            networkNanos += network - start;
            crfNanos += end - network;
        } else {
            networkNanos += end - start; // the arg-max, as before the CRF existed
        }
        for (int i = 0; i < batch.size(); i++) {
            sink.accept(batch.get(i), prediction.image(i));
            images++;
        }
    }

    /** Images predicted and handed to the sink so far. */
    public long images() {
        return images;
    }

    /**
     * Time spent in the network so far: forward passes and their averaging, and without the CRF the
     * arg-max (stacking and the sink excluded).
     */
    public long networkNanos() {
        return networkNanos;
    }

    /** Time spent in the dense CRF so far (refinement, labels and confidences); 0 when it is off. */
    public long crfNanos() {
        return crfNanos;
    }
}
