package io.segpipe.model.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import io.segpipe.model.backend.Nd4jBackend;

/**
 * Speed of a depthwise separable convolution the size of one in Xception-65's middle flow at output
 * stride 16 on a 513x513 image (728 → 728 channels, 3x3, 33x33, batch 2, float), built three ways,
 * against a standard 3x3 convolution of the same FLOPs (244 → 244 channels:
 * 9·244² ≈ 9·728 + 728²):
 * <ul>
 *   <li>DL4J's {@link SeparableConvolution2D} (libnd4j's {@code sconv2d}, which has no oneDNN
 *       implementation);</li>
 *   <li>{@link DepthwiseConvolution2D} then a 1x1 {@link ConvolutionLayer}, the pair the
 *       architectures use (libnd4j's {@code depthwise_conv2d} has a oneDNN implementation, the 1x1
 *       convolution DL4J's oneDNN helper);</li>
 *   <li>each half of the pair alone, to see where the time goes;</li>
 * </ul>
 * and the pair again with ND4J's platform helpers switched off (the built-in path), to show what
 * oneDNN contributes. Prints median milliseconds and GFLOP/s of inference and of a training step
 * (forward and backward, counted as 3x the forward FLOPs).
 * Run: {@code mvn -o -B -pl model-defs test -Pslow -Dtest=SeparableConvolutionBenchmarkTest}.
 */
@Tag("slow")
class SeparableConvolutionBenchmarkTest {
    private static final int N = 2;
    private static final int C = 728;
    private static final int SIZE = 33;
    /** Channels of the standard 3x3 convolution with the separable convolution's FLOPs. */
    private static final int SAME_FLOPS_CHANNELS = 244;

    @BeforeAll
    static void loadBackend() {
        Nd4jBackend.init();
    }

    @Test
    void depthwiseThenPointwiseStaysNearTheStandardConvolutionsRate() {
        List<Row> rows = new ArrayList<>();
        INDArray x = Nd4j.rand(DataType.FLOAT, N, C, SIZE, SIZE);
        INDArray xSame = Nd4j.rand(DataType.FLOAT, N, SAME_FLOPS_CHANNELS, SIZE, SIZE);
        double separableFlops = 2.0 * N * SIZE * SIZE * (9.0 * C + (double) C * C);
        double depthwiseFlops = 2.0 * N * SIZE * SIZE * 9.0 * C;
        double pointwiseFlops = 2.0 * N * SIZE * SIZE * (double) C * C;
        double standardFlops = 2.0 * N * SIZE * SIZE * 9.0 * SAME_FLOPS_CHANNELS * SAME_FLOPS_CHANNELS;
        Row standard = time("standard 3x3 conv 244->244 (same FLOPs)", graph(Kind.STANDARD), xSame, standardFlops);
        rows.add(standard);
        rows.add(time("SeparableConvolution2D 728->728", graph(Kind.SEPARABLE), x, separableFlops));
        Row pair = time("DepthwiseConvolution2D + 1x1 conv", graph(Kind.DEPTHWISE_POINTWISE), x, separableFlops);
        rows.add(pair);
        rows.add(time("  DepthwiseConvolution2D alone", graph(Kind.DEPTHWISE), x, depthwiseFlops));
        rows.add(time("  1x1 conv 728->728 alone", graph(Kind.POINTWISE), x, pointwiseFlops));
        boolean helpers = Nd4j.getEnvironment().helpersAllowed();
        Nd4j.getEnvironment().allowHelpers(false);
        try {
            rows.add(time("  depthwise alone, helpers off", graph(Kind.DEPTHWISE), x, depthwiseFlops));
        } finally {
            Nd4j.getEnvironment().allowHelpers(helpers);
        }
        System.out.printf(Locale.ROOT, "batch %d, %dx%d, %d threads%n", N, SIZE, SIZE, Nd4j.getEnvironment().maxThreads());
        rows.forEach(r -> System.out.println(r.line()));
        // not a timing assertion on a shared machine: only that the pair is not pathologically slow
        assertTrue(pair.trainMs() < 20 * standard.trainMs(), "depthwise + pointwise: " + pair.line());
    }

    private record Row(String name, double inferMs, double trainMs, double forwardFlops) {
        String line() {
            return String.format(Locale.ROOT, "%-42s inference %8.1f ms (%7.2f GFLOP/s)   training step %8.1f ms (%7.2f GFLOP/s)",
                    name, inferMs, forwardFlops / inferMs / 1e6, trainMs, 3 * forwardFlops / trainMs / 1e6);
        }
    }

    /** Median milliseconds of inference and of a training step (forward + backward). */
    private static Row time(String name, ComputationGraph graph, INDArray x, double forwardFlops) {
        int warmUp = 2;
        int runs = 7;
        double[] inference = new double[runs];
        double[] training = new double[runs];
        INDArray labels = null;
        for (int i = 0; i < warmUp + runs; i++) {
            long start = System.nanoTime();
            INDArray out = graph.outputSingle(x);
            long mid = System.nanoTime();
            if (labels == null) {
                labels = Nd4j.rand(DataType.FLOAT, out.shape());
            }
            graph.setInputs(x);
            graph.setLabels(labels);
            graph.computeGradientAndScore();
            long end = System.nanoTime();
            if (i >= warmUp) {
                inference[i - warmUp] = (mid - start) / 1e6;
                training[i - warmUp] = (end - mid) / 1e6;
            }
        }
        java.util.Arrays.sort(inference);
        java.util.Arrays.sort(training);
        graph.close();
        return new Row(name, inference[runs / 2], training[runs / 2], forwardFlops);
    }

    private enum Kind { STANDARD, SEPARABLE, DEPTHWISE_POINTWISE, DEPTHWISE, POINTWISE }

    private static ComputationGraph graph(Kind kind) {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.FLOAT)
                .updater(new NoOp())
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("in");
        int channels = kind == Kind.STANDARD ? SAME_FLOPS_CHANNELS : C;
        String out = switch (kind) {
            case STANDARD -> add(g, "conv", new ConvolutionLayer.Builder(3, 3).nOut(SAME_FLOPS_CHANNELS), "in");
            case SEPARABLE -> add(g, "sep", new SeparableConvolution2D.Builder(3, 3).depthMultiplier(1).nOut(C), "in");
            case DEPTHWISE -> add(g, "dw", new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(1).nOut(C), "in");
            case POINTWISE -> add(g, "pw", new ConvolutionLayer.Builder(1, 1).nOut(C), "in");
            case DEPTHWISE_POINTWISE -> add(g, "pw", new ConvolutionLayer.Builder(1, 1).nOut(C),
                    add(g, "dw", new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(1).nOut(C), "in"));
        };
        ComputationGraph graph = new ComputationGraph(g
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), out)
                .setOutputs("loss")
                .setInputTypes(InputType.convolutional(SIZE, SIZE, channels))
                .build());
        graph.init();
        return graph;
    }

    private static String add(ComputationGraphConfiguration.GraphBuilder g, String name,
                              org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BaseConvBuilder<?> layer, String in) {
        g.addLayer(name, layer.activation(Activation.IDENTITY).hasBias(false).build(), in);
        return name;
    }
}
