package io.segpipe.jobs.eval;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import io.segpipe.jobs.infer.BadImage;

/**
 * The aggregation buffer of {@link EvalJob}: what one partition (or a merge of several) found.
 * Small by construction: a K x K matrix, counters, at most {@code maxBadListed} bad ids, one
 * {@link ImageScore} per image (about 100 bytes: some 10 MB on the driver per 100 000 images) and at
 * most {@code examples} example images ({@link WorstExamples}); predictions themselves never leave
 * the executors.
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
    /** Every evaluated image's score, in no particular order. */
    final List<ImageScore> scores = new ArrayList<>();
    /** The worst images with their pictures. */
    final WorstExamples worst;

    EvalPartial(ConfusionMatrix matrix, int maxBadListed, int examples) {
        this.matrix = matrix;
        this.maxBadListed = maxBadListed;
        this.worst = new WorstExamples(examples);
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
        scores.addAll(other.scores);
        worst.merge(other.worst);
        return this;
    }
}
