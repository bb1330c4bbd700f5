package io.segpipe.prep.progress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.util.AccumulatorV2;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import scala.Tuple4;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Progress lines for distributed work, computed on the driver: a {@link SparkListener} sums a
 * counter accumulator from the tasks' reports ({@link TaskValues}: finished tasks, and running
 * tasks through their executors' heartbeats, every {@code spark.executor.heartbeatInterval}), and a
 * line ({@link Progress}) is logged when a partition finishes (at most one per 10 s,
 * {@value #MIN_INTERVAL_PROPERTY}) and at least every 30 s ({@value #HEARTBEAT_PROPERTY}), so that
 * a long job is never silent.
 * One piece for every job: prep, evaluation and scoring count the rows of their input
 * ({@link #counted}); training counts its minibatches with the accumulator its listener already
 * fills and formats its own line.
 *
 * <pre>{@code
 * try (SparkProgress progress = SparkProgress.builder(sc, "segpipe eval", "images").total(n)
 *         .output(LOG::info).start()) {
 *     progress.counted(rows).mapPartitions(evaluate).treeAggregate(...);
 * }
 * }</pre>
 *
 * Counting costs one accumulator addition per element; the listener sees only task-level events.
 */
public final class SparkProgress implements AutoCloseable {
    /**
     * The longest time without a progress line while work runs, in seconds: 30, or the system
     * property {@value #HEARTBEAT_PROPERTY}.
     */
    public static final String HEARTBEAT_PROPERTY = "segpipe.progress.heartbeatSeconds";
    /**
     * The shortest time between two lines when partitions finish quickly, in seconds: 10, or the
     * system property {@value #MIN_INTERVAL_PROPERTY} (0 = a line for every partition).
     */
    public static final String MIN_INTERVAL_PROPERTY = "segpipe.progress.minIntervalSeconds";

    private static final Logger LOG = LoggerFactory.getLogger(SparkProgress.class);
    private static final long DRAIN_MILLIS = 2000;

    private final SparkContext sc;
    private final String what;
    private final String unit;
    private final long total;
    private final LongAccumulator counter;
    private final Function<Progress, String> format;
    private final Consumer<String> output;
    private final long heartbeatNanos;
    private final long minIntervalNanos;
    private final LongSupplier clock;
    private final TaskValues values;
    private final Listener listener = new Listener();
    private final ScheduledExecutorService timer;
    private final long start;
    private long lastLine;
    private boolean formatFailed;

    private SparkProgress(Builder b) {
        this.sc = b.sc;
        this.what = b.what;
        this.unit = b.unit;
        this.total = b.total;
        this.counter = b.counter != null ? b.counter : sc.longAccumulator("segpipe progress: " + b.what);
        this.format = b.format;
        this.output = b.output;
        this.heartbeatNanos = b.heartbeat.toNanos();
        this.minIntervalNanos = b.minInterval.toNanos();
        this.clock = b.clock;
        this.values = new TaskValues(counter.id(), b.tracked.stream().map(AccumulatorV2::id).toList());
        this.start = clock.getAsLong();
        this.lastLine = start;
        sc.addSparkListener(listener);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "segpipe-progress");
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(50), Math.min(heartbeatNanos, TimeUnit.SECONDS.toNanos(1)));
        timer.scheduleAtFixedRate(() -> lineIfQuietFor(heartbeatNanos), tick, tick, TimeUnit.NANOSECONDS);
    }

    /**
     * Tracks work named {@code what} (the line's prefix, e.g. {@code segpipe eval}) counted in
     * {@code unit} (plural, e.g. {@code images}).
     */
    public static Builder builder(SparkContext sc, String what, String unit) {
        return new Builder(sc, what, unit);
    }

    /**
     * {@code rdd}, counting each element as a task consumes it; the stages that compute the result
     * count their tasks as the work's partitions. Count the RDD the expensive work iterates, after
     * any repartitioning, so that the partitions shown are the ones doing the work.
     */
    public <T> JavaRDD<T> counted(JavaRDD<T> rdd) {
        LongAccumulator units = counter;
        JavaRDD<T> out = rdd.mapPartitions(it -> new Counting<>(it, units), true);
        values.countStagesOf(out.id());
        return out;
    }

    /** The counter the work's tasks add their units to. */
    public LongAccumulator counter() {
        return counter;
    }

    /** The progress now. */
    public Progress snapshot() {
        return new Progress(what, unit, values.done(), total, values.tasksDone(), values.tasks(),
                (clock.getAsLong() - start) / 1e9, values.values());
    }

    /**
     * Stops reporting: removes the listener and the timer. Spark delivers task events to listeners
     * asynchronously, so the last partitions' events may still be on their way when the work
     * returns; the listener is kept (at most {@value #DRAIN_MILLIS} ms) until it has seen every
     * unit the counter holds, so that the partitions that finished last are reported too.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        try {
            while (values.finishedDone() < counter.value() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            timer.shutdownNow();
            sc.removeSparkListener(listener);
        }
    }

    /** Logs a line when none was logged for {@code quietNanos}. */
    private synchronized void lineIfQuietFor(long quietNanos) {
        long now = clock.getAsLong();
        if (now - lastLine < quietNanos) {
            return;
        }
        lastLine = now;
        try {
            output.accept(format.apply(snapshot()));
        } catch (RuntimeException e) {
            if (!formatFailed) { // a progress line must never fail the job; say so once
                formatFailed = true;
                LOG.warn("Progress of {} cannot be reported: {}", what, e.toString());
            }
        }
    }

    /** Feeds Spark's task events to {@link TaskValues}. */
    private final class Listener extends SparkListener {
        @Override
        public void onStageSubmitted(SparkListenerStageSubmitted event) {
            List<Integer> rdds = new ArrayList<>();
            for (RDDInfo info : JavaConverters.seqAsJavaList(event.stageInfo().rddInfos())) {
                rdds.add(info.id());
            }
            values.stageSubmitted(event.stageInfo().stageId(), event.stageInfo().numTasks(), rdds);
        }

        @Override
        public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate event) {
            for (Tuple4<Object, Object, Object, Seq<AccumulableInfo>> task
                    : JavaConverters.seqAsJavaList(event.accumUpdates())) {
                values.running((Long) task._1(), numbers(task._4()));
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd event) {
            boolean counted = values.ended(event.taskInfo().taskId(), event.stageId(), event.taskInfo().partitionId(),
                    event.taskInfo().successful(), numbers(event.taskInfo().accumulables()));
            if (counted) {
                lineIfQuietFor(minIntervalNanos);
            }
        }

        private Map<Long, Double> numbers(Seq<AccumulableInfo> infos) {
            Map<Long, Double> out = new HashMap<>();
            for (AccumulableInfo info : JavaConverters.seqAsJavaList(infos)) {
                if (info.update().isDefined() && info.update().get() instanceof Number n) {
                    out.put(info.id(), n.doubleValue());
                }
            }
            return out;
        }
    }

    /** Adds one to the counter per element the task takes (executor side). */
    private static final class Counting<T> implements Iterator<T> {
        private final Iterator<T> in;
        private final LongAccumulator units;

        Counting(Iterator<T> in, LongAccumulator units) {
            this.in = in;
            this.units = units;
        }

        @Override
        public boolean hasNext() {
            return in.hasNext();
        }

        @Override
        public T next() {
            T next = in.next();
            units.add(1);
            return next;
        }
    }

    /** Options of a {@link SparkProgress}; {@link #start} begins tracking. */
    public static final class Builder {
        private final SparkContext sc;
        private final String what;
        private final String unit;
        private long total;
        private LongAccumulator counter;
        private final List<AccumulatorV2<?, ?>> tracked = new ArrayList<>();
        private Function<Progress, String> format = Progress::line;
        private Consumer<String> output = LOG::info;
        private Duration heartbeat = seconds(HEARTBEAT_PROPERTY, 30);
        private Duration minInterval = seconds(MIN_INTERVAL_PROPERTY, 10);
        private LongSupplier clock = System::nanoTime;

        private Builder(SparkContext sc, String what, String unit) {
            this.sc = Objects.requireNonNull(sc, "sc");
            this.what = Objects.requireNonNull(what, "what");
            this.unit = Objects.requireNonNull(unit, "unit");
        }

        /** Units the work will count, for the percentage and ETA; 0 (default) = unknown. */
        public Builder total(long v) {
            total = Math.max(0, v);
            return this;
        }

        /**
         * A named accumulator the work's tasks already add their units to (default: a new one, for
         * {@link #counted}). It must be named: Spark reports only named accumulators with tasks.
         */
        public Builder counter(LongAccumulator v) {
            counter = v;
            return this;
        }

        /** Further named accumulators whose values the line can show ({@link Progress#value}). */
        public Builder track(Collection<? extends AccumulatorV2<?, ?>> accumulators) {
            tracked.addAll(accumulators);
            return this;
        }

        /** How a reading becomes a line (default {@link Progress#line}). */
        public Builder format(Function<Progress, String> v) {
            format = Objects.requireNonNull(v, "format");
            return this;
        }

        /** Where lines go (default: this class's logger at INFO; jobs pass their own). */
        public Builder output(Consumer<String> v) {
            output = Objects.requireNonNull(v, "output");
            return this;
        }

        /** The longest time without a line (default 30 s, {@value SparkProgress#HEARTBEAT_PROPERTY}). */
        public Builder heartbeat(Duration v) {
            heartbeat = v;
            return this;
        }

        /** The shortest time between lines when partitions finish (default 10 s, {@value SparkProgress#MIN_INTERVAL_PROPERTY}). */
        public Builder minInterval(Duration v) {
            minInterval = v;
            return this;
        }

        /** The monotonic clock in nanoseconds (default {@code System::nanoTime}). */
        public Builder clock(LongSupplier v) {
            clock = v;
            return this;
        }

        public SparkProgress start() {
            return new SparkProgress(this);
        }

        private static Duration seconds(String property, double fallback) {
            String value = System.getProperty(property);
            double seconds;
            try {
                seconds = value == null ? fallback : Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("system property " + property + " must be a number of seconds, found '"
                        + value + "'", e);
            }
            return Duration.ofMillis(Math.round(Math.max(0, seconds) * 1000));
        }
    }
}
