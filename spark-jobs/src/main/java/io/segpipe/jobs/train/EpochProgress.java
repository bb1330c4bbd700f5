package io.segpipe.jobs.train;

import java.util.List;
import java.util.Locale;

import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.prep.progress.Progress;
import io.segpipe.prep.progress.SparkProgress;

/**
 * Progress lines inside a training epoch, so that a long epoch is never silent: minibatches done
 * of the expected, throughput, the running loss per pixel, and the ETA of the epoch and of the run,
 * which the time budget caps ({@link TimeBudget}):
 *
 * <pre>
 * epoch 3/60: 40/92 minibatches (43.5%), 9.31 img/s, loss/pixel 0.8123, epoch ETA 00:00:31, run ETA 00:45:10
 * </pre>
 *
 * The minibatches are those {@link LossListener} counts on the workers; the driver sees them when a
 * training round's tasks end and, inside a round, with the executors' heartbeats
 * ({@link SparkProgress}). A line comes after a round (every {@code workers × averagingFrequency}
 * minibatches with parameter averaging) at most every 10 s, and at least every 30 s. The colon
 * after the epoch keeps these lines apart from the epoch's summary line ({@code epoch 3/60  loss/pixel ...}).
 */
final class EpochProgress {
    /** Logged under the job's name, like the rest of the job's lines. */
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

    private final TrainConfig config;
    private final TimeBudget budget;
    private final LossListener loss;
    private final long expectedMinibatches;
    private final MetricsLog metricsLog;

    /**
     * @param trainSamples the train split's rows; an epoch makes about {@code trainSamples / batchSizePerWorker}
     *                     minibatches (each worker's last one may be short)
     * @param metricsLog   receives each reading as a {@code progress} line, or null
     */
    EpochProgress(TrainConfig config, TimeBudget budget, LossListener loss, long trainSamples, MetricsLog metricsLog) {
        this.config = config;
        this.budget = budget;
        this.loss = loss;
        int batch = config.master().batchSizePerWorker();
        this.expectedMinibatches = (trainSamples + batch - 1) / batch;
        this.metricsLog = metricsLog;
    }

    /** Starts reporting 1-based epoch {@code number}; close it when the epoch's training ends. */
    SparkProgress start(SparkContext sc, int number) {
        return SparkProgress.builder(sc, "epoch " + number + "/" + config.epochs(), "minibatches")
                .total(expectedMinibatches).counter(loss.minibatchCounter()).track(List.of(loss.lossSum()))
                .format(reading -> report(reading, number)).output(LOG::info).start();
    }

    /** Records the reading in the metrics file (when there is one) and returns its log line. */
    private String report(Progress reading, int number) {
        if (metricsLog != null) {
            metricsLog.progress(number, config.epochs(), reading.done(), reading.total(), loss.meanOf(reading),
                    orZero(reading.rate()) * config.master().batchSizePerWorker());
        }
        return line(reading, number);
    }

    /** The line of one reading during 1-based epoch {@code number}. */
    String line(Progress reading, int number) {
        double epochEta = reading.etaSeconds();
        double runEta = budget.runEtaSeconds(epochEta, reading.elapsedSeconds() + epochEta, config.epochs() - number);
        double meanLoss = loss.meanOf(reading);
        return String.format(Locale.ROOT, "%s: %s, %.2f img/s, loss/pixel %s, epoch ETA %s, run ETA %s%s",
                reading.what(), reading.counts(), orZero(reading.rate()) * config.master().batchSizePerWorker(),
                Double.isNaN(meanLoss) ? "n/a" : String.format(Locale.ROOT, "%.4f", meanLoss),
                Progress.duration(epochEta), Progress.duration(runEta), budget.caps(runEta) ? " (time budget)" : "");
    }

    private static double orZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
