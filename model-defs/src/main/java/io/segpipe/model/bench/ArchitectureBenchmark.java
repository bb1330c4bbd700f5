package io.segpipe.model.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.model.arch.Architectures;
import io.segpipe.model.backend.BackendInfo;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.Backbone;
import io.segpipe.model.spec.ContextModule;
import io.segpipe.model.spec.DeepSupervision;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * The architecture benchmark: every architecture in its canonical configuration, and the DeepLab
 * options that change the network (v2's multi-scale inputs, v3's Multi-Grid, v3+ on Xception-65,
 * separable ASPP and decoder on ResNet) and FC-DenseNet's three configurations, trained and run at CamVid's size (3x360x480), batch 2, Adam, in this JVM on the backend
 * {@link Nd4jBackend} loads (oneDNN helpers engaged on CPU). For each it reports img/s, the
 * achieved GFLOP/s against the SGEMM rate measured in the same run (the practical ceiling of a
 * convolution network on this machine), and the share of a training step spent in segpipe's
 * custom layers and loss ({@link CustomLayerTimer}), and the peak resident memory of the process
 * while the entry trained ({@code trainRSS}: heap, ND4J's off-heap arrays and workspaces, natives;
 * the peak restarts before each entry, {@link ProcessMemory#resetPeak}, but memory an earlier entry
 * left cached counts, so one entry per JVM gives the cleanest figure). Targets: {@link #TARGETS_OF_SGEMM}.
 *
 * <p>Architectures that need particular sizes run at the size the
 * {@link io.segpipe.model.predict.Segmenter} would feed them ({@link Architectures#tiling}: U-Net
 * at depth 4 pads 360 to 368, FC-DenseNet to 384).
 *
 * <p>Run: {@code mvn -B -pl model-defs test -Pslow -Dtest=ArchitectureBenchmarkTest#camVidSizeBatch2}
 * (prints the table; {@code -Dsegpipe.bench.architectures=DEEPLAB_V1,DEEPLAB_V3_PLUS_XCEPTION65} picks
 * {@link Entry entries} by name). Figures: docs/benchmarks.md, "Architectures".
 */
public final class ArchitectureBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(ArchitectureBenchmark.class);

    /**
     * The training speed targets, as fractions of the SGEMM rate measured in the same run, by
     * {@link Entry} name: U-Net, FCN-8s and SegNet-Basic 60%, SegNet 55%, DeepLab v3 45%. Other rows
     * have none (0 in their {@link Row#target()}).
     */
    public static final Map<String, Double> TARGETS_OF_SGEMM = Map.of("UNET", 0.60, "FCN8S", 0.60, "SEGNET_BASIC", 0.60,
            "SEGNET", 0.55, "DEEPLAB_V3", 0.45);

    private ArchitectureBenchmark() {
    }

    /**
     * One row of the benchmark: an architecture, with DeepLab options or without.
     *
     * @param name the row's name, e.g. {@code DEEPLAB_V3_PLUS_XCEPTION65}; an architecture's own name without options
     * @param options applied to the benchmark's spec of the architecture
     */
    public record Entry(String name, Architecture architecture, UnaryOperator<SegmentationSpec.Builder> options) {
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(architecture, "architecture");
            Objects.requireNonNull(options, "options");
        }

        /** The architecture in the benchmark's canonical configuration. */
        public static Entry of(Architecture architecture) {
            return new Entry(architecture.name(), architecture, UnaryOperator.identity());
        }

        /**
         * Every architecture (FC_DENSENET: FC-DenseNet103), then each DeepLab option that changes the network, then
         * FC-DenseNet56 and 67, then U-Net with deep supervision (side outputs on three stages and their fusion),
         * then DeepLab v1 with the large context module.
         */
        public static List<Entry> all() {
            List<Entry> entries = new ArrayList<>();
            for (Architecture a : Architecture.values()) {
                entries.add(of(a));
            }
            entries.add(new Entry("DEEPLAB_V2_MULTISCALE", Architecture.DEEPLAB_V2, b -> b.multiScaleInputs(true)));
            entries.add(new Entry("DEEPLAB_V3_MULTIGRID", Architecture.DEEPLAB_V3, b -> b.multiGrid(true)));
            entries.add(new Entry("DEEPLAB_V3_PLUS_XCEPTION65", Architecture.DEEPLAB_V3_PLUS,
                    b -> b.backbone(Backbone.XCEPTION).depth(65)));
            entries.add(new Entry("DEEPLAB_V3_PLUS_SEPARABLE", Architecture.DEEPLAB_V3_PLUS, b -> b.separableConvolutions(true)));
            entries.add(new Entry("FC_DENSENET_56", Architecture.FC_DENSENET, b -> b.depth(56)));
            entries.add(new Entry("FC_DENSENET_67", Architecture.FC_DENSENET, b -> b.depth(67)));
            entries.add(new Entry("UNET_DEEP_SUPERVISION", Architecture.UNET,
                    b -> b.deepSupervision(DeepSupervision.of("down2", "bottom", "up2"))));
            entries.add(new Entry("DEEPLAB_V1_CONTEXT_LARGE", Architecture.DEEPLAB_V1,
                    b -> b.contextModule(ContextModule.LARGE)));
            return entries;
        }

        /** The entry of {@link #all()} named {@code name}. */
        public static Entry named(String name) {
            return all().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                    "no benchmark entry " + name + " (allowed: " + all().stream().map(Entry::name).toList() + ")"));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * @param entries what to measure, in order
     * @param batch images per step (issue: 2)
     * @param height image height (CamVid: 360)
     * @param width image width (CamVid: 480)
     * @param numClasses classes (CamVid: 11)
     * @param widthMultiplier 1 = the papers' networks
     * @param deeplabDepth ResNet depth of DeepLab v2, v3 and v3+ (50 = the canonical CPU-feasible one; 18,
     *     34, 101); an entry on Xception sets 65
     * @param outputStride DeepLab v3 and v3+'s output stride, 8 or 16 (v1 and v2 have 8)
     * @param warmupSteps untimed steps first (oneDNN primitive creation, workspace sizing)
     * @param steps timed steps
     * @param sgemmSize n of the n x n SGEMM
     */
    public record Options(List<Entry> entries, int batch, int height, int width, int numClasses,
                          double widthMultiplier, int deeplabDepth, int outputStride, int warmupSteps, int steps,
                          int sgemmSize) {
        public Options {
            entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
            if (entries.isEmpty() || batch < 1 || height < 8 || width < 8 || numClasses < 2
                    || widthMultiplier <= 0 || warmupSteps < 0 || steps < 1 || sgemmSize < 64) {
                throw new IllegalArgumentException("benchmark options out of range: entries not empty, batch >= 1, "
                        + "height and width >= 8, numClasses >= 2, widthMultiplier > 0, warmupSteps >= 0, steps >= 1, "
                        + "sgemmSize >= 64; found " + this);
            }
        }

        /** The reference figures: all entries, canonical widths, 3x360x480, batch 2, 11 classes. */
        public static Options reference() {
            return new Options(Entry.all(), 2, 360, 480, 11, 1.0, 50, 16, 1, 3, 1024);
        }

        /** The spec the benchmark builds for {@code entry}. */
        public SegmentationSpec spec(Entry entry) {
            SegmentationSpec.Builder b = SegmentationSpec.builder(entry.architecture(), numClasses)
                    .widthMultiplier(widthMultiplier).seed(7);
            switch (entry.architecture()) {
                case DEEPLAB_V3, DEEPLAB_V3_PLUS -> b.depth(deeplabDepth).outputStride(outputStride);
                case DEEPLAB_V2 -> b.depth(deeplabDepth);
                case FCN32S, FCN16S, FCN8S, UNET, DEEPLAB_V1 -> b.batchNorm(false); // the papers' networks have none
                default -> {
                    // SegNet and FC-DenseNet have batch norm by design
                }
            }
            return entry.options().apply(b).build();
        }
    }

    /**
     * One entry's figures.
     *
     * @param name the {@link Entry}'s name
     * @param netHeight height the network ran at (the image's, or padded as the Segmenter would)
     * @param netWidth width the network ran at
     * @param forwardGflopPerImage convolution/deconvolution GFLOP of one forward pass ({@link FlopCounter})
     * @param trainGflops achieved GFLOP/s training (3x forward per image)
     * @param inferGflops achieved GFLOP/s in inference
     * @param trainFractionOfSgemm trainGflops / the run's SGEMM rate
     * @param target the row's target fraction of SGEMM ({@link #TARGETS_OF_SGEMM}), 0 for none
     * @param meetsTarget {@code trainFractionOfSgemm >= target}, false without a target
     * @param customSecondsPerStep seconds per training step in custom vertices and loss, by kind
     * @param customShareOfStep their sum / the measured training step time
     */
    public record Row(String name, Architecture architecture, SegmentationSpec spec, int netHeight, int netWidth, long parameters,
                      double forwardGflopPerImage, Throughput throughput, double trainGflops, double inferGflops,
                      double trainFractionOfSgemm, double target, boolean meetsTarget, Map<String, Double> customSecondsPerStep,
                      double customShareOfStep) {
    }

    /**
     * @param sgemmGflops the better of two SGEMM measurements, before and after the networks (the
     *     ceiling; the machine is shared, so the better one is the fairer yardstick)
     */
    public record Result(BackendInfo backend, Options options, double sgemmGflops, List<Row> rows) {
        /** A plain-text table of the figures. */
        public String table() {
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "backend %s, %d threads, helpers engaged %s; SGEMM %.1f GFLOP/s; "
                            + "batch %d, %dx%d, %d classes%n", backend.nativeBuild(), backend.threads(),
                    backend.oneDnnHelpersEngaged(), sgemmGflops, options.batch(), options.height(), options.width(),
                    options.numClasses()));
            s.append(String.format(Locale.ROOT, "%-27s %9s %8s %8s %8s %8s %8s %7s %11s %7s %8s  %s%n", "architecture",
                    "params", "input", "GFLOP/im", "train/s", "infer/s", "trainGF", "ofSGEMM", "target", "custom",
                    "trainRSS", "custom pieces s/step"));
            for (Row r : rows) {
                s.append(String.format(Locale.ROOT, "%-27s %8.2fM %8s %8.1f %8.3f %8.3f %8.1f %6.0f%% %11s %6.1f%% %6.2fGB  %s%n",
                        r.name(), r.parameters() / 1e6, r.netHeight() + "x" + r.netWidth(), r.forwardGflopPerImage(),
                        r.throughput().trainImagesPerSecond(), r.throughput().inferImagesPerSecond(), r.trainGflops(),
                        100 * r.trainFractionOfSgemm(), r.target() > 0 ? String.format(Locale.ROOT, ">=%.0f%% %s",
                                100 * r.target(), r.meetsTarget() ? "met" : "NOT") : "-",
                        100 * r.customShareOfStep(),
                        r.throughput().peakRssAfterTrainingBytes() / 1e9, format(r.customSecondsPerStep())));
            }
            return s.toString();
        }

        private static String format(Map<String, Double> seconds) {
            StringBuilder s = new StringBuilder();
            seconds.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(String.format(Locale.ROOT, " %.3f", v)));
            return s.toString();
        }
    }

    public static Result run(Options options) {
        BackendInfo backend = Nd4jBackend.init();
        double sgemmBefore = Sgemm.gflops(options.sgemmSize(), 5, 0.4);
        List<Row> rows = new ArrayList<>();
        for (Entry entry : options.entries()) {
            boolean ownPeak = ProcessMemory.resetPeak();
            Row row = measure(options, entry.name(), options.spec(entry));
            if (!ownPeak) {
                LOG.warn("{}: peak memory not reset (no /proc/self/clear_refs): it is the process's peak so far", entry.name());
            }
            LOG.info("{}: {} params, {} GFLOP/image, train {} img/s ({} GFLOP/s), infer {} img/s, custom pieces {}% of a step",
                    entry.name(), row.parameters(), String.format(Locale.ROOT, "%.1f", row.forwardGflopPerImage()),
                    String.format(Locale.ROOT, "%.3f", row.throughput().trainImagesPerSecond()),
                    String.format(Locale.ROOT, "%.1f", row.trainGflops()),
                    String.format(Locale.ROOT, "%.3f", row.throughput().inferImagesPerSecond()),
                    String.format(Locale.ROOT, "%.1f", 100 * row.customShareOfStep()));
            rows.add(row);
        }
        double sgemm = Math.max(sgemmBefore, Sgemm.gflops(options.sgemmSize(), 5, 0.4));
        List<Row> relative = rows.stream().map(r -> new Row(r.name(), r.architecture(), r.spec(), r.netHeight(), r.netWidth(),
                r.parameters(), r.forwardGflopPerImage(), r.throughput(), r.trainGflops(), r.inferGflops(),
                r.trainGflops() / sgemm, r.target(), r.target() > 0 && r.trainGflops() / sgemm >= r.target(),
                r.customSecondsPerStep(), r.customShareOfStep())).toList();
        return new Result(backend, options, sgemm, relative);
    }

    private static Row measure(Options options, String name, SegmentationSpec spec) {
        Architectures.Tiling rows = Architectures.tiling(spec, options.height());
        Architectures.Tiling cols = Architectures.tiling(spec, options.width());
        int height = options.height() + rows.before() + rows.after();
        int width = options.width() + cols.before() + cols.after();
        ComputationGraph net = Architectures.create(spec);
        Nd4j.getRandom().setSeed(spec.seed());
        double forwardGflop = FlopCounter.forwardFlopsPerImage(net,
                Nd4j.rand(DataType.FLOAT, 1, spec.inputChannels(), height, width)) / 1e9;
        Throughput throughput = Throughput.measure(net, options.batch(), spec.inputChannels(), height, width,
                spec.numClasses(), options.warmupSteps(), options.steps(), spec.seed());
        Nd4j.getRandom().setSeed(spec.seed());
        INDArray features = Nd4j.rand(DataType.FLOAT, options.batch(), spec.inputChannels(), height, width);
        INDArray scoresShape = net.outputSingle(false, features);
        INDArray labels = Throughput.randomOneHot(options.batch(), spec.numClasses(), (int) scoresShape.size(2),
                (int) scoresShape.size(3), spec.seed());
        Map<String, Double> custom = CustomLayerTimer.secondsPerStep(net, features, labels, Math.max(1, options.steps()));
        double customSeconds = custom.values().stream().mapToDouble(Double::doubleValue).sum();
        double trainGflops = throughput.trainImagesPerSecond() * 3 * forwardGflop;
        double inferGflops = throughput.inferImagesPerSecond() * forwardGflop;
        long parameters = net.numParams();
        net.close();
        return new Row(name, spec.architecture(), spec, height, width, parameters, forwardGflop, throughput, trainGflops,
                inferGflops, Double.NaN, TARGETS_OF_SGEMM.getOrDefault(name, 0.0), false, custom,
                customSeconds / throughput.trainSecondsPerStep());
    }
}
