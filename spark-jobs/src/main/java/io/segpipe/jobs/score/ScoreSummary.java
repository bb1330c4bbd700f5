package io.segpipe.jobs.score;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.segpipe.jobs.infer.BadImage;

/** What one partition of a scoring run did, or all of them summed; collected to the driver. */
final class ScoreSummary implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int maxBadListed;
    long scored;
    long badCount;
    /** Task time in the network. */
    long inferenceNanos;
    /** Task time in the dense CRF, 0 when it is off. */
    long crfNanos;
    /** Parquet files published. */
    int files;
    /** The first {@code maxBadListed} unusable images. */
    final List<BadImage> bad = new ArrayList<>();

    ScoreSummary(int maxBadListed) {
        this.maxBadListed = maxBadListed;
    }

    /** Counts an unusable image, and lists it while the list is short. */
    void addBad(BadImage image) {
        badCount++;
        if (bad.size() < maxBadListed) {
            bad.add(image);
        }
    }

    /** The sum of the partitions' summaries; the bad images listed are the first by id. */
    static ScoreSummary total(List<ScoreSummary> parts, int maxBadListed) {
        ScoreSummary total = new ScoreSummary(maxBadListed);
        List<BadImage> bad = new ArrayList<>();
        for (ScoreSummary p : parts) {
            total.scored += p.scored;
            total.badCount += p.badCount;
            total.inferenceNanos += p.inferenceNanos;
            total.crfNanos += p.crfNanos;
            total.files += p.files;
            bad.addAll(p.bad);
        }
        Collections.sort(bad);
        total.bad.addAll(bad.subList(0, Math.min(bad.size(), maxBadListed)));
        return total;
    }
}
