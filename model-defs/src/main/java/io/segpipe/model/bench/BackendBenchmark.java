package io.segpipe.model.bench;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.model.arch.UNet;
import io.segpipe.model.backend.BackendInfo;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * The backend benchmark: the reference network (U-Net, 4 levels, 32 base filters, no batch norm,
 * 4 classes: 7,760,196 parameters) at 3x128x128, batch 8, Adam, per-pixel softmax cross-entropy,
 * trained and run in this JVM. Reports img/s, the achieved GFLOP/s against the SGEMM rate measured
 * in the same run, and the process's peak resident memory. Figures: docs/benchmarks.md, "Backend".
 */
public final class BackendBenchmark {
    /** Target: training at >= 65% of the SGEMM rate measured in the same run (stretch: 70%). */
    public static final double TARGET_TRAIN_FRACTION_OF_SGEMM = 0.65;
    /** Stretch target of training. */
    public static final double STRETCH_TRAIN_FRACTION_OF_SGEMM = 0.70;
    /** Target: inference at >= 70% of the SGEMM rate. */
    public static final double TARGET_INFER_FRACTION_OF_SGEMM = 0.70;
    /** Target: peak resident memory of the process <= 1.2 GB. */
    public static final long TARGET_PEAK_RSS_BYTES = 1_200_000_000L;

    private BackendBenchmark() {
    }

    /**
     * @param batch images per step (reference: 8)
     * @param size input height and width (reference: 128)
     * @param warmupSteps untimed steps first
     * @param steps timed steps
     */
    public record Options(int batch, int size, int warmupSteps, int steps, int sgemmSize) {
        public Options {
            if (batch < 1 || size < 16 || warmupSteps < 0 || steps < 1 || sgemmSize < 64) {
                throw new IllegalArgumentException("benchmark options out of range: batch >= 1, size >= 16, "
                        + "warmupSteps >= 0, steps >= 1, sgemmSize >= 64; found " + this);
            }
        }

        public static Options reference() {
            return new Options(8, 128, 3, 12, 1024);
        }
    }

    /**
     * @param backend what was loaded
     * @param parameters parameters of the network
     * @param forwardGflopPerImage forward GFLOP per image (counted from the layers)
     * @param throughput measured img/s
     * @param trainGflops achieved GFLOP/s while training (3x forward FLOPs per image)
     * @param inferGflops achieved GFLOP/s in inference
     * @param sgemmGflops best SGEMM GFLOP/s measured in the same run
     * @param trainFractionOfSgemm trainGflops / sgemmGflops
     * @param inferFractionOfSgemm inferGflops / sgemmGflops
     * @param peakRssBytes the process's peak resident set (VmHWM) over set-up and training, 0 where unknown
     */
    public record Result(BackendInfo backend, Options options, long parameters, double forwardGflopPerImage,
                         Throughput throughput, double trainGflops, double inferGflops, double sgemmGflops,
                         double trainFractionOfSgemm, double inferFractionOfSgemm, long peakRssBytes,
                         boolean meetsSpeedTarget, boolean meetsInferenceTarget, boolean meetsMemoryTarget) {
    }

    public static Result run(Options options) {
        BackendInfo backend = Nd4jBackend.init();
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.UNET, 4)
                .widthMultiplier(0.5)
                .batchNorm(false)
                .inputSize(options.size(), options.size())
                .seed(7)
                .build();
        ComputationGraph net = new ComputationGraph(UNet.build(spec));
        net.init();
        double forwardGflop = FlopCounter.forwardFlopsPerImage(net,
                Nd4j.rand(DataType.FLOAT, 1, 3, options.size(), options.size())) / 1e9;
        double sgemm = Sgemm.gflops(options.sgemmSize(), 5, 0.4);
        Throughput throughput = Throughput.measure(net, options.batch(), 3, options.size(), options.size(),
                spec.numClasses(), options.warmupSteps(), options.steps(), spec.seed());
        double trainGflops = throughput.trainImagesPerSecond() * 3 * forwardGflop;
        double inferGflops = throughput.inferImagesPerSecond() * forwardGflop;
        long peakRss = throughput.peakRssAfterTrainingBytes();
        return new Result(backend, options, net.numParams(), forwardGflop, throughput, trainGflops, inferGflops,
                sgemm, trainGflops / sgemm, inferGflops / sgemm, peakRss, trainGflops / sgemm >= TARGET_TRAIN_FRACTION_OF_SGEMM,
                inferGflops / sgemm >= TARGET_INFER_FRACTION_OF_SGEMM, peakRss > 0 && peakRss <= TARGET_PEAK_RSS_BYTES);
    }
}
