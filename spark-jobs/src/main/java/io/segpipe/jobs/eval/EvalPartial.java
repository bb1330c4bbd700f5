package io.segpipe.jobs.eval;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import io.segpipe.jobs.infer.BadImage;

/**
 * The aggregation buffer of {@link EvalJob}: what one partition (or a merge of several) found.
 * Small by construction: a K x K matrix, counters, at most {@code maxBadListed} bad ids and the
 * few requested overlay examples; predictions themselves never leave the executors.
 */
final class EvalPartial implements Serializable {

    private static final long serialVersionUID = 1L;

    final ConfusionMatrix matrix;
    final int maxBadListed;
    long images;
    long badCount;
    /** Task time in the network ({@link io.segpipe.jobs.infer.PartitionInference#networkNanos()}). */
    long inferenceNanos;
    /** Task time in the dense CRF ({@link io.segpipe.jobs.infer.PartitionInference#crfNanos()}). */
    long crfNanos;
    final List<BadImage> bad = new ArrayList<>();
    final List<Example> examples = new ArrayList<>();

    EvalPartial(ConfusionMatrix matrix, int maxBadListed) {
        this.matrix = matrix;
        this.maxBadListed = maxBadListed;
    }

    void addBad(BadImage b) {
        badCount++;
        if (bad.size() < maxBadListed) {
            bad.add(b);
        }
    }

    /** Adds {@code other} into this buffer (associative, commutative up to list order). */
    EvalPartial merge(EvalPartial other) {
        matrix.merge(other.matrix);
        images += other.images;
        badCount += other.badCount;
        inferenceNanos += other.inferenceNanos;
        crfNanos += other.crfNanos;
        for (BadImage b : other.bad) {
            if (bad.size() < maxBadListed) {
                bad.add(b);
            }
        }
        examples.addAll(other.examples);
        return this;
    }

    /**
     * One overlay example as encoded PNGs.
     *
     * @param id         sample id
     * @param image      the stored image bytes
     * @param truth      the stored label PNG (class ids, ignore label as is)
     * @param prediction 8-bit PNG of predicted class ids
     */
    record Example(String id, byte[] image, byte[] truth, byte[] prediction) implements Serializable {
    }
}
