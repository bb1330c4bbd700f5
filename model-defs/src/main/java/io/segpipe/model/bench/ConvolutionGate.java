package io.segpipe.model.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.model.backend.BackendInfo;
import io.segpipe.model.backend.Nd4jBackend;

/**
 * The gate before writing layers that call oneDNN directly: one 3x3 convolution trained (forward,
 * backward data, backward weights and bias) through oneDNN with NHWC activations and weights
 * reordered once per step ({@link OneDnnConvolution}), against the same convolution on the current
 * path, DL4J's layer on libnd4j's oneDNN, which converts NCHW to oneDNN's layouts around every call
 * (docs/stack.md, "oneDNN helpers"). Both run in one JVM, alternating step by step (A B A B ...) so
 * that load and frequency drift hit both; before timing, one step of each on the same inputs must
 * agree (relative L2 error of the output and the three gradients below {@link #MAX_RELATIVE_ERROR}),
 * so the figures compare the same computation. The new path passes the gate if its median step is at
 * least {@link #GATE_SPEEDUP} times faster.
 */
public final class ConvolutionGate {
    /** Speed-up of the direct oneDNN path, median step against median step, needed to go on. */
    public static final double GATE_SPEEDUP = 1.3;
    /** Float arithmetic in another order: the relative L2 error allowed between the two paths. */
    public static final double MAX_RELATIVE_ERROR = 1e-4;

    private ConvolutionGate() {
    }

    /** A 3x3, stride 1, pad 1 float convolution of a batch of {@code batch} images. */
    public record Case(int batch, int inChannels, int outChannels, int height, int width) {
        public Case {
            if (batch < 1 || inChannels < 1 || outChannels < 1 || height < 3 || width < 3) {
                throw new IllegalArgumentException("convolution case out of range: batch, inChannels, "
                        + "outChannels >= 1, height and width >= 3; found " + this);
            }
        }

        /** FLOPs of forward + backward data + backward weights: 3 x 2·N·K·C·9·H·W. */
        public double flopsPerStep() {
            return 3 * 2.0 * batch * outChannels * inChannels * 9 * height * width;
        }

        /** e.g. "64->64 128x128 batch 8". */
        public String label() {
            return inChannels + "->" + outChannels + " " + height + "x" + width + " batch " + batch;
        }
    }

    /**
     * @param cases convolutions to measure, one after the other
     * @param warmupSteps untimed steps of each path first, per case
     * @param steps timed steps of each path, per case
     * @param sgemmSize matrix size of the SGEMM measurement
     */
    public record Options(List<Case> cases, int warmupSteps, int steps, int sgemmSize) {
        public Options {
            if (cases == null || cases.isEmpty()) {
                throw new IllegalArgumentException("cases must not be empty, found " + cases);
            }
            cases = List.copyOf(cases);
            if (warmupSteps < 0) {
                throw new IllegalArgumentException("warmupSteps must be >= 0, found " + warmupSteps);
            }
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be >= 1, found " + steps);
            }
            if (sgemmSize < 64) {
                throw new IllegalArgumentException("sgemmSize must be >= 64, found " + sgemmSize);
            }
        }

        /** 64->64 at 128x128 batch 8 (the reference U-Net's size) and at CamVid's 360x480, batch 2. */
        public static List<Case> defaultCases() {
            return List.of(new Case(8, 64, 64, 128, 128), new Case(2, 64, 64, 360, 480));
        }

        public static Options reference() {
            return new Options(defaultCases(), 3, 20, 1024);
        }
    }

    /** Relative L2 errors of the direct oneDNN path against the current path, one step on the same inputs. */
    public record Errors(double output, double inputGradient, double weightGradient, double biasGradient) {
        public double max() {
            return Math.max(Math.max(output, inputGradient), Math.max(weightGradient, biasGradient));
        }
    }

    /**
     * @param gflopPerStep GFLOP of one step (forward + backward data + backward weights)
     * @param oneDnnMsPerStep median ms per step, direct oneDNN path (NHWC)
     * @param libnd4jMsPerStep median ms per step, current path (DL4J layer, libnd4j's oneDNN, NCHW)
     * @param speedup libnd4jMsPerStep / oneDnnMsPerStep
     * @param passes speedup >= {@link #GATE_SPEEDUP}
     * @param errors the cross-check of this case before timing
     * @param oneDnn implementations oneDNN chose and the weight reorders per step
     * @param libnd4jHelper DL4J's helper class on the current path ("none" if DL4J's own im2col path ran)
     */
    public record CaseResult(Case shape, double gflopPerStep, double oneDnnMsPerStep, double libnd4jMsPerStep,
                             double oneDnnGflops, double libnd4jGflops, double speedup,
                             double oneDnnFractionOfSgemm, double libnd4jFractionOfSgemm, boolean passes,
                             Errors errors, OneDnnConvolution.Implementations oneDnn, String libnd4jHelper) {
    }

    /**
     * @param oneDnnVersion version of the directly called oneDNN (bytedeco presets)
     * @param sgemmGflops best SGEMM GFLOP/s measured in this run, before the cases
     * @param passes every case passes the gate
     */
    public record Result(BackendInfo backend, Options options, String oneDnnVersion, double sgemmGflops,
                         List<CaseResult> cases, boolean passes) {
    }

    public static Result run(Options options) {
        BackendInfo backend = Nd4jBackend.init();
        String version = OneDnnConvolution.version();
        double sgemm = Sgemm.gflops(options.sgemmSize(), 5, 0.4);
        List<CaseResult> results = new ArrayList<>();
        for (Case shape : options.cases()) {
            results.add(measure(shape, options, sgemm));
        }
        return new Result(backend, options, version, sgemm, results,
                results.stream().allMatch(CaseResult::passes));
    }

    private static CaseResult measure(Case shape, Options options, double sgemm) {
        Libnd4jConvolution current = new Libnd4jConvolution(shape);
        try (OneDnnConvolution direct = new OneDnnConvolution(shape)) {
            fillSame(direct, current, 42);
            Errors errors = crossCheck(direct, current);
            if (!(errors.max() < MAX_RELATIVE_ERROR)) {
                throw new IllegalStateException("the two paths disagree on " + shape.label() + ": " + errors
                        + " (allowed relative error " + MAX_RELATIVE_ERROR + ")");
            }
            for (int i = 0; i < options.warmupSteps(); i++) {
                direct.step();
                current.step();
            }
            double[] directMs = new double[options.steps()];
            double[] currentMs = new double[options.steps()];
            for (int i = 0; i < options.steps(); i++) {
                long t0 = System.nanoTime();
                direct.step();
                long t1 = System.nanoTime();
                current.step();
                long t2 = System.nanoTime();
                directMs[i] = (t1 - t0) / 1e6;
                currentMs[i] = (t2 - t1) / 1e6;
            }
            double directMedian = median(directMs);
            double currentMedian = median(currentMs);
            double gflop = shape.flopsPerStep() / 1e9;
            double directGflops = gflop / (directMedian / 1e3);
            double currentGflops = gflop / (currentMedian / 1e3);
            double speedup = currentMedian / directMedian;
            Object helper = ((ConvolutionLayer) current.layer()).getHelper();
            return new CaseResult(shape, gflop, directMedian, currentMedian, directGflops, currentGflops, speedup,
                    directGflops / sgemm, currentGflops / sgemm, speedup >= GATE_SPEEDUP, errors,
                    direct.implementations(), helper == null ? "none" : helper.getClass().getSimpleName());
        }
    }

    /** Random input, output gradient, weights and bias, the same in both (NHWC there, NCHW here). */
    static void fillSame(OneDnnConvolution direct, Libnd4jConvolution current, long seed) {
        Nd4j.getRandom().setSeed(seed);
        Case s = direct.shape();
        INDArray src = Nd4j.rand(DataType.FLOAT, s.batch(), s.inChannels(), s.height(), s.width()).subi(0.5);
        INDArray diffDst = Nd4j.rand(DataType.FLOAT, s.batch(), s.outChannels(), s.height(), s.width()).subi(0.5);
        INDArray bias = Nd4j.rand(DataType.FLOAT, 1, s.outChannels()).subi(0.5);
        current.src().assign(src);
        current.diffDst().assign(diffDst);
        current.bias().assign(bias);
        direct.src().assign(src.permute(0, 2, 3, 1));
        direct.diffDst().assign(diffDst.permute(0, 2, 3, 1));
        direct.weights().assign(current.weights());
        direct.bias().assign(bias.reshape(s.outChannels()));
    }

    /** One step of each path on the inputs already set, then the relative L2 errors of oneDNN's results. */
    static Errors crossCheck(OneDnnConvolution direct, Libnd4jConvolution current) {
        direct.step();
        current.step();
        return new Errors(
                relativeError(direct.dst().permute(0, 3, 1, 2), current.dst()),
                relativeError(direct.diffSrc().permute(0, 3, 1, 2), current.diffSrc()),
                relativeError(direct.diffWeights(), current.diffWeights()),
                relativeError(direct.diffBias(), current.diffBias().reshape(direct.diffBias().shape())));
    }

    /** ||actual - expected|| / ||expected|| (L2), NaN when expected is all zero. */
    static double relativeError(INDArray actual, INDArray expected) {
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            throw new IllegalStateException("shapes differ: " + Arrays.toString(actual.shape()) + " and "
                    + Arrays.toString(expected.shape()));
        }
        double norm = expected.norm2Number().doubleValue();
        double diff = actual.sub(expected).norm2Number().doubleValue();
        return norm == 0 ? Double.NaN : diff / norm; // an all-zero reference proves nothing: fails the check
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
