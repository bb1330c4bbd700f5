package io.segpipe.jobs.train;

import java.util.Optional;
import java.util.function.Supplier;

import io.segpipe.jobs.model.EpochMetrics;

/**
 * The best model of a run by val mIoU: the earliest epoch with the highest val mIoU (a later tie
 * does not replace it), kept as a copy while training moves the live network on.
 *
 * @param <M> the model (a network; anything in tests)
 */
final class BestModel<M> {
    private M model;
    private EpochMetrics metrics;

    private BestModel(M model, EpochMetrics metrics) {
        this.model = model;
        this.metrics = metrics;
    }

    /** No best yet. */
    static <M> BestModel<M> none() {
        return new BestModel<>(null, null);
    }

    /** {@code model}, validated as {@code metrics}, is the best so far (a resumed run's). */
    static <M> BestModel<M> of(M model, EpochMetrics metrics) {
        return new BestModel<>(model, metrics);
    }

    /**
     * Keeps {@code snapshot.get()} when {@code epoch}'s val mIoU beats the best; an epoch without
     * validation or with a NaN mIoU never does. The snapshot is only taken when kept.
     *
     * @return true when the epoch became the best
     */
    boolean offer(EpochMetrics epoch, Supplier<M> snapshot) {
        Double value = epoch.valMeanIoU();
        if (value == null || value.isNaN() || value <= meanIoU()) {
            return false;
        }
        model = snapshot.get();
        metrics = epoch;
        return true;
    }

    /** The best val mIoU, -infinity while there is none. */
    double meanIoU() {
        return metrics == null ? Double.NEGATIVE_INFINITY : metrics.valMeanIoU();
    }

    Optional<M> model() {
        return Optional.ofNullable(model);
    }

    Optional<EpochMetrics> metrics() {
        return Optional.ofNullable(metrics);
    }
}
