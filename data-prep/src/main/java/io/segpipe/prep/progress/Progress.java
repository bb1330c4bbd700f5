package io.segpipe.prep.progress;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import org.apache.spark.util.AccumulatorV2;

/**
 * One reading of a piece of distributed work that {@link SparkProgress} tracks, and the line it is
 * logged as:
 *
 * <pre>
 * segpipe eval: 120/468 images (25.6%), 4.14 images/s, 3/8 partitions, elapsed 00:00:29, ETA 00:01:24
 * </pre>
 *
 * The rate is the mean since tracking started (set-up included), and the ETA the remaining units at
 * that rate: a pessimistic estimate at first, exact for steady work.
 *
 * @param what           who reports, e.g. {@code segpipe eval}
 * @param unit           what is counted, in the plural, e.g. {@code images}
 * @param done           units counted by finished tasks and, from executor heartbeats, running ones
 * @param total          units expected, 0 when unknown
 * @param tasksDone      finished tasks of the counted stages (partitions), or of tasks that counted
 * @param tasks          tasks of the counted stages, 0 when unknown
 * @param elapsedSeconds seconds since tracking started
 * @param values         the other tracked accumulators' values so far, by accumulator id
 */
public record Progress(String what, String unit, long done, long total, int tasksDone, int tasks, double elapsedSeconds,
                       Map<Long, Double> values) {

    public Progress {
        values = Map.copyOf(values);
    }

    /** Units per second since tracking started; NaN before any time passed. */
    public double rate() {
        return elapsedSeconds > 0 ? done / elapsedSeconds : Double.NaN;
    }

    /** Seconds until {@code total} at the current rate; NaN while unknown (no total, nothing done yet). */
    public double etaSeconds() {
        if (total <= 0 || done <= 0 || !(rate() > 0)) {
            return Double.NaN;
        }
        return Math.max(0, total - done) / rate();
    }

    /** The value of a tracked accumulator so far (0 before any task reported it). */
    public double value(AccumulatorV2<?, ?> accumulator) {
        return values.getOrDefault(accumulator.id(), 0.0);
    }

    /** The counts: {@code 120/468 images (25.6%)}, or {@code 120 images} without a total. */
    public String counts() {
        return total > 0
                ? String.format(Locale.ROOT, "%d/%d %s (%.1f%%)", done, total, unit, 100.0 * Math.min(done, total) / total)
                : done + " " + unit;
    }

    /** The line {@link SparkProgress} logs by default (see the class notes). */
    public String line() {
        return String.format(Locale.ROOT, "%s: %s, %.2f %s/s%s, elapsed %s, ETA %s", what, counts(), orZero(rate()), unit,
                tasks > 0 ? ", " + tasksDone + "/" + tasks + " partitions" : "", duration(elapsedSeconds),
                duration(etaSeconds()));
    }

    /** {@code hh:mm:ss}, or {@code unknown} for NaN or infinity. */
    public static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "unknown";
        }
        Duration d = Duration.ofSeconds(Math.round(Math.max(0, seconds)));
        return String.format(Locale.ROOT, "%02d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }

    private static double orZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
