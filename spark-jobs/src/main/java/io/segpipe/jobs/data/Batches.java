package io.segpipe.jobs.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.nd4j.linalg.dataset.api.MultiDataSet;

import io.segpipe.jobs.infer.InputChecks;
import io.segpipe.jobs.infer.SameSizeBatches;
import io.segpipe.jobs.infer.Tensors;
import io.segpipe.model.loss.BorderWeightMap;
import io.segpipe.model.predict.Labels;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.reader.TensorSample;

/**
 * Executor-side batching of decoded samples into training minibatches: features
 * {@code [N, C, H, W]} float (NCHW) and labels as {@link Labels#oneHot} of the label map (the
 * ignore label becomes an all-zero row: no loss, no gradient). A minibatch holds samples of one
 * size, grouped and stacked as inference groups and stacks them ({@link SameSizeBatches},
 * {@link Tensors}).
 *
 * <p>With the spec's {@code loss.borderWeight} set, each minibatch also carries U-Net's border weights
 * (Ronneberger et al., MICCAI 2015, eq. 2) as its per-pixel label mask ({@link BorderWeightMap}),
 * computed here from the label maps the network sees: after augmentation and cropping.
 */
public final class Batches {
    private Batches() {
    }

    /**
     * Lazily batches samples into training minibatches of at most {@code batchSize} same-size
     * samples, as a {@link CompactMultiDataSet}, the form DL4J's Spark training persists.
     *
     * @throws IllegalArgumentException naming the sample when its channels are not the model's
     */
    public static Iterator<MultiDataSet> trainingBatches(Iterator<TensorSample> samples, int batchSize,
            SegmentationSpec spec) {
        SameSizeBatches<TensorSample> groups = SameSizeBatches.of(samples, batchSize, SameSizeBatches::key);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return groups.hasNext();
            }

            @Override
            public MultiDataSet next() {
                return minibatch(groups.next(), spec);
            }
        };
    }

    private static MultiDataSet minibatch(List<TensorSample> group, SegmentationSpec spec) {
        TensorSample first = group.get(0);
        InputChecks.requireChannels(first, spec);
        int plane = first.height() * first.width();
        List<float[]> images = new ArrayList<>(group.size());
        int[] labels = new int[group.size() * plane];
        for (int i = 0; i < group.size(); i++) {
            images.add(group.get(i).image());
            System.arraycopy(group.get(i).label(), 0, labels, i * plane, plane);
        }
        SegmentationSpec.LossSpec loss = spec.loss();
        float[] labelMask = loss.borderWeight() == null ? null : BorderWeightMap.labelMask(labels, group.size(),
                first.height(), first.width(), spec.numClasses(), loss.classWeights(), loss.borderWeight());
        return CompactMultiDataSet.fromIds(Tensors.batch(images, first.channels(), first.height(), first.width()),
                labels, spec.numClasses(), loss.ignoreLabel(), labelMask);
    }
}
