package io.segpipe.model.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Map;

import io.segpipe.model.backend.Nd4jBackend;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
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

/**
 * Speed of an ASPP-sized atrous convolution (1x256x45x60, 256 → 256, 3x3, rate 6, float): DL4J's
 * dilated ConvolutionLayer (which falls off the oneDNN path) against {@link Atrous}. Prints
 * milliseconds and GFLOP/s (2·k²·Cin·Cout·H·W per forward; a training step counts three times that),
 * and an undilated convolution of the same size as the ceiling of the oneDNN path.
 * Run: {@code mvn -B -o -pl model-defs test -Pslow -Dtest=AtrousBenchmarkTest}.
 */
@Tag("slow")
class AtrousBenchmarkTest {
    private static final int C = 256;
    private static final int H = 45;
    private static final int W = 60;
    private static final int RATE = 6;
    private static final double FORWARD_GFLOP = 2.0 * 9 * C * C * H * W / 1e9;

    @BeforeAll
    static void loadBackend() {
        Nd4jBackend.init();
    }

    @Test
    void atrousBySpaceToBatchIsFasterThanDL4JsDilatedConvolution() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, C, H, W);
        INDArray labels = Nd4j.rand(DataType.FLOAT, 1, C, H, W);
        ComputationGraph dilated = graph(Kind.DILATED);
        ComputationGraph atrous = graph(Kind.SPACE_TO_BATCH);
        for (Map.Entry<String, INDArray> p : atrous.getLayer("conv").paramTable().entrySet()) {
            dilated.getLayer("conv").setParam(p.getKey(), p.getValue().dup());
        }
        double[] slow = time("dilated ConvolutionLayer", dilated, x, labels);
        double[] fast = time("Atrous.addConv (space-to-batch)", atrous, x, labels);
        time("undilated conv (ceiling, no rate)", graph(Kind.UNDILATED), x, labels);
        System.out.printf(Locale.ROOT, "speed-up: inference %.1fx, training %.1fx%n", slow[0] / fast[0], slow[1] / fast[1]);
        assertTrue(fast[1] < slow[1], "space-to-batch training step must be faster than the dilated one");
    }

    /** Median milliseconds of {inference forward, training forward+backward}. */
    private static double[] time(String name, ComputationGraph graph, INDArray x, INDArray labels) {
        int warmUp = 2;
        int runs = 5;
        double[] inference = new double[runs];
        double[] training = new double[runs];
        for (int i = 0; i < warmUp + runs; i++) {
            long start = System.nanoTime();
            graph.outputSingle(x);
            long mid = System.nanoTime();
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
        double inf = inference[runs / 2];
        double train = training[runs / 2];
        System.out.printf(Locale.ROOT, "%-32s inference %8.1f ms (%5.1f GFLOP/s)   training step %8.1f ms (%5.1f GFLOP/s)%n",
                name, inf, FORWARD_GFLOP / inf * 1e3, train, 3 * FORWARD_GFLOP / train * 1e3);
        return new double[] {inf, train};
    }

    private enum Kind { DILATED, SPACE_TO_BATCH, UNDILATED }

    private static ComputationGraph graph(Kind kind) {
        ComputationGraphConfiguration.GraphBuilder builder = new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.FLOAT)
                .updater(new NoOp())
                .weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs("in");
        ConvolutionLayer.Builder conv = new ConvolutionLayer.Builder(3, 3).nIn(C).nOut(C).activation(Activation.IDENTITY);
        String out = switch (kind) {
            case DILATED -> {
                builder.addLayer("conv", conv.dilation(RATE, RATE).convolutionMode(ConvolutionMode.Same).build(), "in");
                yield "conv";
            }
            case SPACE_TO_BATCH -> Atrous.addConv(builder, "conv", "in", conv.build(), RATE);
            case UNDILATED -> Atrous.addConv(builder, "conv", "in", conv.build(), 1);
        };
        ComputationGraph graph = new ComputationGraph(builder
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), out)
                .setOutputs("loss")
                .setInputTypes(InputType.convolutional(H, W, C))
                .build());
        graph.init();
        return graph;
    }
}
