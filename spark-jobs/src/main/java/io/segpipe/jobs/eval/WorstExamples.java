package io.segpipe.jobs.eval;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The report's examples: the {@code limit} images with the lowest per-image mIoU
 * ({@link ImageScore#WORST_FIRST}: ties broken by id; images with nothing counted are never
 * examples), kept with their encoded pictures. Each partition keeps its own worst {@code limit}
 * ({@link #wants} is asked before a prediction is encoded, so an image that cannot make the list
 * costs nothing), and partitions merge by keeping the worst {@code limit} of both: the worst
 * {@code limit} of a union are among the worst {@code limit} of each part, so the merged list is
 * the dataset's worst whatever the partitioning, and no more than {@code limit} examples per
 * partition ever leave an executor.
 *
 * <p>Mutable, not thread-safe, like the {@link EvalPartial} that holds it.
 */
final class WorstExamples implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int limit;
    /** Worst first, at most {@code limit}. */
    private final List<Example> kept = new ArrayList<>();

    /** @param limit how many to keep, >= 0 */
    WorstExamples(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, found " + limit);
        }
        this.limit = limit;
    }

    int limit() {
        return limit;
    }

    /** True when an image of this score would enter the list now. */
    boolean wants(ImageScore score) {
        return limit > 0 && score.defined()
                && (kept.size() < limit || ImageScore.WORST_FIRST.compare(score, kept.get(kept.size() - 1).score()) < 0);
    }

    /** Keeps {@code example} when it is among the worst {@code limit} seen. */
    void offer(Example example) {
        if (!wants(example.score())) {
            return;
        }
        int at = Collections.binarySearch(kept, example, (a, b) -> ImageScore.WORST_FIRST.compare(a.score(), b.score()));
        kept.add(at < 0 ? -at - 1 : at, example);
        if (kept.size() > limit) {
            kept.remove(kept.size() - 1);
        }
    }

    /** Keeps the worst {@code limit} of this and {@code other}. */
    WorstExamples merge(WorstExamples other) {
        for (Example e : other.kept) {
            offer(e);
        }
        return this;
    }

    /** The kept examples, worst first. */
    List<Example> worstFirst() {
        return List.copyOf(kept);
    }

    /**
     * One example as encoded PNGs.
     *
     * @param score      the image's per-image numbers
     * @param image      the stored image bytes
     * @param truth      the stored label PNG (class ids, ignore label as is)
     * @param prediction 8-bit PNG of the predicted class ids, at the label's size
     */
    record Example(ImageScore score, byte[] image, byte[] truth, byte[] prediction) implements Serializable {
        private static final long serialVersionUID = 1L;

        String id() {
            return score.id();
        }
    }
}
