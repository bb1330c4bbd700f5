package io.segpipe.jobs.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import io.segpipe.model.backend.HostArrays;
import io.segpipe.model.predict.Labels;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.reader.TensorSample;

/**
 * Executor-side batching of decoded samples into what DL4J trains and predicts on: features
 * {@code [N, C, H, W]} float (NCHW) and labels as {@link Labels#oneHot} of the label map (the
 * ignore label becomes an all-zero row: no loss, no gradient). Training, evaluation and scoring
 * share it. A batch holds samples of one size: {@link #groups} starts a new batch when the size
 * changes.
 */
public final class Batches {
    private Batches() {
    }

    /** Images of same-size samples as {@code [N, C, H, W]} float. */
    public static INDArray features(List<TensorSample> samples) {
        TensorSample first = requireSameSize(samples);
        int plane = first.channels() * first.height() * first.width();
        float[] data = new float[samples.size() * plane];
        for (int i = 0; i < samples.size(); i++) {
            System.arraycopy(samples.get(i).image(), 0, data, i * plane, plane);
        }
        return HostArrays.floats(data, samples.size(), first.channels(), first.height(), first.width());
    }

    /** Label maps of same-size samples as {@code [N, H, W]} int. */
    public static INDArray labelMap(List<TensorSample> samples) {
        TensorSample first = requireSameSize(samples);
        return HostArrays.ints(labelIds(samples), samples.size(), first.height(), first.width());
    }

    private static int[] labelIds(List<TensorSample> samples) {
        int plane = samples.get(0).height() * samples.get(0).width();
        int[] data = new int[samples.size() * plane];
        for (int i = 0; i < samples.size(); i++) {
            System.arraycopy(samples.get(i).label(), 0, data, i * plane, plane);
        }
        return data;
    }

    /** A DataSet: features and one-hot labels of {@code spec}'s classes and ignore label. */
    public static DataSet toDataSet(List<TensorSample> samples, SegmentationSpec spec) {
        TensorSample first = requireInputOf(samples, spec);
        return new DataSet(features(samples), Labels.oneHot(labelIds(samples), samples.size(), first.height(),
                first.width(), spec.numClasses(), spec.loss().ignoreLabel()));
    }

    /** Same-size samples whose channels are the model's input channels; returns the first. */
    private static TensorSample requireInputOf(List<TensorSample> samples, SegmentationSpec spec) {
        TensorSample first = requireSameSize(samples);
        if (first.channels() != spec.inputChannels()) {
            throw new IllegalArgumentException("sample " + first.id() + " has " + first.channels()
                    + " channels but the model takes " + spec.inputChannels());
        }
        return first;
    }

    /** Lazily groups samples into lists of at most {@code batchSize} samples of one size. */
    public static Iterator<List<TensorSample>> groups(Iterator<TensorSample> samples, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, found " + batchSize);
        }
        return new Iterator<>() {
            private TensorSample pending;

            @Override
            public boolean hasNext() {
                return pending != null || samples.hasNext();
            }

            @Override
            public List<TensorSample> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<TensorSample> batch = new ArrayList<>(batchSize);
                if (pending != null) {
                    batch.add(pending);
                    pending = null;
                }
                while (batch.size() < batchSize && samples.hasNext()) {
                    TensorSample s = samples.next();
                    if (!batch.isEmpty() && !sameSize(batch.get(0), s)) {
                        pending = s;
                        break;
                    }
                    batch.add(s);
                }
                return batch;
            }
        };
    }

    /**
     * Lazily batches samples into training minibatches of at most {@code batchSize} same-size
     * samples: the features and labels of {@link #toDataSet} as a {@link CompactMultiDataSet}, the
     * form DL4J's Spark training persists.
     */
    public static Iterator<MultiDataSet> trainingBatches(Iterator<TensorSample> samples, int batchSize,
            SegmentationSpec spec) {
        Iterator<List<TensorSample>> groups = groups(samples, batchSize);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return groups.hasNext();
            }

            @Override
            public MultiDataSet next() {
                List<TensorSample> group = groups.next();
                requireInputOf(group, spec);
                return CompactMultiDataSet.fromIds(features(group), labelIds(group), spec.numClasses(),
                        spec.loss().ignoreLabel());
            }
        };
    }

    private static boolean sameSize(TensorSample a, TensorSample b) {
        return a.channels() == b.channels() && a.height() == b.height() && a.width() == b.width();
    }

    private static TensorSample requireSameSize(List<TensorSample> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one sample");
        }
        TensorSample first = samples.get(0);
        for (TensorSample s : samples) {
            if (!sameSize(first, s)) {
                throw new IllegalArgumentException("a batch needs samples of one size: " + first.id() + " is "
                        + first.channels() + "x" + first.height() + "x" + first.width() + " but " + s.id() + " is "
                        + s.channels() + "x" + s.height() + "x" + s.width());
            }
        }
        return first;
    }
}
