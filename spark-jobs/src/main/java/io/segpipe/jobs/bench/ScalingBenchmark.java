package io.segpipe.jobs.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.model.spec.SegmentationSpec;

/**
 * The scaling benchmark: for each architecture, averaging rounds measured on 1 worker and on 2
 * workers at aggregation depths 1 and 2 ({@link AveragingRounds}), the bytes of a round, and a
 * {@link ScalingModel} fitted to the depth-1 rounds and projected to more workers. It answers how
 * large a cluster pays off for a network and an averaging frequency before parameter averaging,
 * not training, takes most of a round.
 *
 * <p>Spark's {@code treeAggregate} adds a level only from 6 partials on, so on 2 workers depths 1
 * and 2 run the same plan; the benchmark measures both to show that (same stages, same bytes) and
 * the model projects where the depth starts to matter.
 */
public final class ScalingBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(ScalingBenchmark.class);
    /** Bytes per value of the parameters and the updater state (float32). */
    static final int BYTES_PER_VALUE = 4;
    /** The largest cluster searched for the communication-bound point. */
    static final int MAX_WORKERS_SEARCHED = 1 << 16;

    private ScalingBenchmark() {
    }

    /** An architecture to measure: its name (e.g. the conf/models file's) and its spec at the benchmark's size. */
    public record Model(String name, SegmentationSpec spec) {
        public Model {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(spec, "spec");
        }
    }

    /**
     * @param models what to measure, in order
     * @param size input height and width
     * @param batch images per minibatch per worker
     * @param averagingFrequency minibatches per worker per round
     * @param warmupRounds untimed rounds per setting
     * @param rounds timed rounds per setting
     * @param bandwidthGbps link bandwidth of the projection, Gbit/s
     * @param projectedWorkers worker counts to project to
     */
    public record Options(List<Model> models, int size, int batch, int averagingFrequency, int warmupRounds, int rounds,
                          double bandwidthGbps, List<Integer> projectedWorkers) {
        public Options {
            models = List.copyOf(models);
            projectedWorkers = List.copyOf(projectedWorkers);
            if (models.isEmpty() || size < 1 || batch < 1 || averagingFrequency < 1 || warmupRounds < 0 || rounds < 1
                    || !(bandwidthGbps > 0) || projectedWorkers.isEmpty() || projectedWorkers.stream().anyMatch(w -> w < 1)) {
                throw new IllegalArgumentException("scaling benchmark options out of range: " + this);
            }
        }

        AveragingRounds.Settings settings(int workers, int depth) {
            return new AveragingRounds.Settings(workers, depth, averagingFrequency, batch, size, warmupRounds, rounds);
        }
    }

    /** Where the rounds run: a Spark context with {@code workers} cores, and what to do with it afterwards. */
    public interface Contexts {
        JavaSparkContext open(int workers);

        void close(JavaSparkContext sc);
    }

    /**
     * One architecture's figures.
     *
     * @param parameters trainable values
     * @param updaterState Adam's state values (2 per parameter)
     * @param stateBytes 4·(parameters + updaterState): one copy of what a round broadcasts and each worker returns
     * @param oneWorker rounds on 1 worker (depth 1)
     * @param twoWorkers rounds on 2 workers, depth 1
     * @param twoWorkersDepth2 rounds on 2 workers, depth 2
     * @param model fitted to {@code oneWorker} and {@code twoWorkers}, transfers at the measured bytes
     * @param projections at each projected worker count, depth 1 then 2
     * @param communicationBoundAt fewest workers whose projected overhead exceeds compute, by depth ("1", "2"); absent: none up to 65536
     */
    public record Row(String name, SegmentationSpec spec, long parameters, long updaterState, long stateBytes,
                      AveragingRounds.Measurement oneWorker, AveragingRounds.Measurement twoWorkers,
                      AveragingRounds.Measurement twoWorkersDepth2, ScalingModel model,
                      List<ScalingModel.Projection> projections, Map<String, Integer> communicationBoundAt) {

        /** Measured aggregation bytes of a round per worker (2 workers, depth 1). */
        public double aggregationBytesPerWorker() {
            return twoWorkers.aggregationBytesPerRound() / twoWorkers.workers();
        }
    }

    /**
     * @param cpu the CPU model (/proc/cpuinfo)
     * @param loadAverage the system load average when the benchmark ended
     * @param broadcastBytesSource how the broadcast bytes were obtained
     */
    public record Result(String cpu, double loadAverage, Options options, String broadcastBytesSource, List<Row> rows) {
    }

    /** Measures every model of {@code options}: all on 1 worker, then all on 2 workers, then fits and projects. */
    public static Result run(Options options, Contexts contexts) {
        List<AveragingRounds.Measurement> one = measureAll(options, contexts, 1, List.of(1));
        List<AveragingRounds.Measurement> two = measureAll(options, contexts, 2, List.of(1, 2));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < options.models().size(); i++) {
            rows.add(row(options, options.models().get(i), one.get(i), two.get(2 * i), two.get(2 * i + 1)));
        }
        return new Result(cpuModel(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), options,
                "measured: bytes of the torrent-broadcast pieces stored by Spark's block manager (after Spark's "
                        + "compression), mean per round; stateBytes is the uncompressed float32 size from the array lengths",
                rows);
    }

    private static List<AveragingRounds.Measurement> measureAll(Options options, Contexts contexts, int workers,
                                                                List<Integer> depths) {
        JavaSparkContext sc = contexts.open(workers);
        try {
            List<AveragingRounds.Measurement> out = new ArrayList<>();
            for (Model m : options.models()) {
                for (int depth : depths) {
                    LOG.info("{}: {} worker(s), aggregation depth {}", m.name(), workers, depth);
                    out.add(AveragingRounds.measure(sc, m.spec(), options.settings(workers, depth)));
                }
            }
            return out;
        } finally {
            contexts.close(sc);
        }
    }

    private static Row row(Options options, Model m, AveragingRounds.Measurement one, AveragingRounds.Measurement two,
                           AveragingRounds.Measurement twoDepth2) {
        long parameters;
        long updater;
        ComputationGraph net = AveragingRounds.network(m.spec());
        try {
            parameters = net.numParams();
            updater = net.getUpdater().getStateViewArray().length();
        } finally {
            net.close();
        }
        ScalingModel model = ScalingModel.fit(options.averagingFrequency(), options.batch(), List.of(
                        new ScalingModel.Point(1, one.wallSeconds(), one.computeSeconds()),
                        new ScalingModel.Point(2, two.wallSeconds(), two.computeSeconds())),
                two.broadcastBytesPerRound(), two.aggregationBytesPerRound() / two.workers(), options.bandwidthGbps());
        List<ScalingModel.Projection> projections = new ArrayList<>();
        Map<String, Integer> bound = new LinkedHashMap<>();
        for (int depth : List.of(1, 2)) {
            for (int w : options.projectedWorkers()) {
                projections.add(model.project(w, depth));
            }
            OptionalInt at = model.communicationBoundAt(depth, MAX_WORKERS_SEARCHED);
            if (at.isPresent()) {
                bound.put(String.valueOf(depth), at.getAsInt());
            }
        }
        return new Row(m.name(), m.spec(), parameters, updater, BYTES_PER_VALUE * (parameters + updater), one, two,
                twoDepth2, model, projections, bound);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** The measured rounds and the projection as plain-text tables. */
    public static String table(Result r) {
        Options o = r.options();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Parameter averaging: %dx%d, batch %d per worker, averaging every %d minibatches, "
                        + "Adam, %d timed round(s) after %d warm-up; %s, load %.1f%n", o.size(), o.size(), o.batch(),
                o.averagingFrequency(), o.rounds(), o.warmupRounds(), r.cpu(), r.loadAverage()));
        s.append(String.format(Locale.ROOT, "%nmeasured (round = wall s, overhead = wall - workers' fit, share of the round)%n"));
        s.append(String.format(Locale.ROOT, "%-16s %8s %9s %9s %9s | %-16s | %-16s | %-16s%n", "architecture", "params",
                "state MB", "bcast MB", "aggr MB/w", "1 worker", "2 workers d1", "2 workers d2"));
        for (Row row : r.rows()) {
            s.append(String.format(Locale.ROOT, "%-16s %7.2fM %9.1f %9.1f %9.1f | %-16s | %-16s | %-16s%n", row.name(),
                    row.parameters() / 1e6, row.stateBytes() / 1e6, row.twoWorkers().broadcastBytesPerRound() / 1e6,
                    row.aggregationBytesPerWorker() / 1e6, cell(row.oneWorker()), cell(row.twoWorkers()),
                    cell(row.twoWorkersDepth2())));
        }
        s.append(String.format(Locale.ROOT, "%nprojected at %.0f Gbit/s (img/s, averaging overhead share of a round); "
                + "fitted t_step and t_fixed in seconds%n", o.bandwidthGbps()));
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-16s %5s %7s %7s", "architecture", "depth",
                "t_step", "t_fixed"));
        for (int w : o.projectedWorkers()) {
            header.append(String.format(Locale.ROOT, " | %-15s", w + " workers"));
        }
        s.append(header).append(String.format(Locale.ROOT, " | %s%n", "overhead > compute from"));
        for (Row row : r.rows()) {
            for (int depth : List.of(1, 2)) {
                s.append(String.format(Locale.ROOT, "%-16s %5d %7.3f %7.3f", row.name(), depth, row.model().stepSeconds(),
                        row.model().fixedSeconds()));
                for (ScalingModel.Projection p : row.projections()) {
                    if (p.aggregationDepth() == depth) {
                        s.append(String.format(Locale.ROOT, " | %7.1f %5.1f%% ", p.imagesPerSecond(), 100 * p.overheadShare()));
                    }
                }
                Integer at = row.communicationBoundAt().get(String.valueOf(depth));
                s.append(String.format(Locale.ROOT, " | %s%n", at == null ? "never (up to " + MAX_WORKERS_SEARCHED + ")"
                        : at + (at == 1 ? " worker" : " workers") + " (communication-bound)"));
            }
        }
        return s.toString();
    }

    private static String cell(AveragingRounds.Measurement m) {
        return String.format(Locale.ROOT, "%6.2f s %5.1f%%", m.wallSeconds(), 100 * m.overheadShare());
    }

    /** A {@link Contexts} from an opener; {@code stop} ends each context after its rounds. */
    public static Contexts of(IntFunction<JavaSparkContext> open, Consumer<JavaSparkContext> stop) {
        return new Contexts() {
            @Override
            public JavaSparkContext open(int workers) {
                return open.apply(workers);
            }

            @Override
            public void close(JavaSparkContext sc) {
                stop.accept(sc);
            }
        };
    }
}
