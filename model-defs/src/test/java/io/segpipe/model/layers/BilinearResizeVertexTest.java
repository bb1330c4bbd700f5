package io.segpipe.model.layers;

import static io.segpipe.model.layers.GraphTestSupport.assertGradientsMatch;
import static io.segpipe.model.layers.GraphTestSupport.assertRoundTrips;
import static io.segpipe.model.layers.GraphTestSupport.doubleGraph;
import static io.segpipe.model.layers.GraphTestSupport.init;
import static io.segpipe.model.layers.GraphTestSupport.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segpipe.model.backend.Nd4jBackend;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class BilinearResizeVertexTest {

    @BeforeAll
    static void loadBackend() {
        Nd4jBackend.init();
    }

    @Test
    void upAndDownSamplingMatchAPlainLoopReference() {
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, 4, 5);
        for (long[] size : new long[][] {{7, 9}, {4, 5}, {3, 2}, {1, 1}, {13, 17}}) {
            INDArray out = resizeGraph(4, 5, size[0], size[1]).outputSingle(x, Nd4j.zeros(DataType.DOUBLE, 2, 1, size[0], size[1]));
            assertTrue(maxAbsDiff(reference(x, size[0], size[1]), out) < 1e-12, "size " + size[0] + "x" + size[1]);
        }
    }

    @Test
    void alignCornersKeepsCornersAndAScaleOfTwoOnAnOddGridHitsEveryInputPixel() {
        INDArray x = Nd4j.arange(12).castTo(DataType.DOUBLE).reshape(1, 1, 3, 4);
        INDArray out = resizeGraph(3, 4, 5, 7).outputSingle(x, Nd4j.zeros(DataType.DOUBLE, 1, 1, 5, 7));
        // (in-1)*2+1 outputs: even output indices are exactly the input pixels
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(x.getDouble(0, 0, i, j), out.getDouble(0, 0, 2 * i, 2 * j), 1e-12);
            }
        }
        assertEquals((x.getDouble(0, 0, 0, 0) + x.getDouble(0, 0, 1, 1) + x.getDouble(0, 0, 0, 1)
                + x.getDouble(0, 0, 1, 0)) / 4, out.getDouble(0, 0, 1, 1), 1e-12);
    }

    @Test
    void byScaleMultipliesTheSize() {
        ComputationGraph graph = init(doubleGraph(3)
                .addInputs("in")
                .addVertex("up", BilinearResizeVertex.byScale(4), "in")
                .setOutputs("up")
                .setInputTypes(InputType.convolutional(3, 5, 2))
                .build());
        INDArray x = Nd4j.rand(DataType.DOUBLE, 1, 2, 3, 5);
        INDArray out = graph.outputSingle(x);
        assertArrayEquals(new long[] {1, 2, 12, 20}, out.shape());
        assertTrue(maxAbsDiff(reference(x, 12, 20), out) < 1e-12);
        assertRoundTrips(graph, x);
    }

    @Test
    void gradientsAreExactAndTheReferenceInputGetsNone() {
        Nd4j.getRandom().setSeed(2);
        for (long[] size : new long[][] {{6, 7}, {2, 3}}) {
            ComputationGraph graph = trainableGraph(3, 4, size[0], size[1]);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, 3, 4);
            INDArray reference = Nd4j.rand(DataType.DOUBLE, 2, 1, size[0], size[1]);
            INDArray labels = Nd4j.rand(DataType.DOUBLE, 2, 3, size[0], size[1]);
            assertGradientsMatch(graph, new INDArray[] {x, reference}, new INDArray[] {labels}, null);
        }
    }

    @Test
    void roundTripsThroughJsonAndModelSerializer() {
        ComputationGraph graph = trainableGraph(3, 4, 5, 6);
        assertRoundTrips(graph, Nd4j.rand(DataType.DOUBLE, 1, 2, 3, 4), Nd4j.rand(DataType.DOUBLE, 1, 1, 5, 6));
        assertEquals(BilinearResizeVertex.byScale(2), ComputationGraphConfiguration.fromJson(
                init(doubleGraph(1).addInputs("in").addVertex("up", BilinearResizeVertex.byScale(2), "in")
                        .setOutputs("up").setInputTypes(InputType.convolutional(2, 2, 1)).build())
                        .getConfiguration().toJson()).getVertices().get("up"));
    }

    @Test
    void rejectsInvalidScales() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BilinearResizeVertex.byScale(0));
        assertEquals("scale must be >= 1, found 0", e.getMessage());
    }

    /** conv on each input; resize(conv(in), to conv(ref)'s size) + conv(ref), then a per-pixel MSE. */
    private static ComputationGraph trainableGraph(long h, long w, long outH, long outW) {
        return init(doubleGraph(7)
                .addInputs("in", "ref")
                .addLayer("conv", new ConvolutionLayer.Builder(1, 1).nOut(3).activation(Activation.TANH).build(), "in")
                .addLayer("refConv", new ConvolutionLayer.Builder(1, 1).nOut(3).activation(Activation.TANH).build(), "ref")
                .addVertex("resize", BilinearResizeVertex.toMatchSecondInput(), "conv", "refConv")
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "resize", "refConv")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), "sum")
                .setOutputs("loss")
                .setInputTypes(InputType.convolutional(h, w, 2), InputType.convolutional(outH, outW, 1))
                .build());
    }

    private static ComputationGraph resizeGraph(long h, long w, long outH, long outW) {
        return init(doubleGraph(5)
                .addInputs("in", "ref")
                .addVertex("resize", BilinearResizeVertex.toMatchSecondInput(), "in", "ref")
                .setOutputs("resize")
                .setInputTypes(InputType.convolutional(h, w, 1), InputType.convolutional(outH, outW, 1))
                .build());
    }

    /** align_corners=True bilinear interpolation, one output pixel at a time from its four neighbours. */
    private static INDArray reference(INDArray x, long outH, long outW) {
        long n = x.size(0);
        long c = x.size(1);
        long h = x.size(2);
        long w = x.size(3);
        INDArray out = Nd4j.zeros(DataType.DOUBLE, n, c, outH, outW);
        for (long i = 0; i < n; i++) {
            for (long ch = 0; ch < c; ch++) {
                for (long y = 0; y < outH; y++) {
                    double sy = outH == 1 ? 0 : y * (h - 1.0) / (outH - 1.0);
                    long y0 = (long) Math.floor(sy);
                    long y1 = Math.min(y0 + 1, h - 1);
                    double fy = sy - y0;
                    for (long xo = 0; xo < outW; xo++) {
                        double sx = outW == 1 ? 0 : xo * (w - 1.0) / (outW - 1.0);
                        long x0 = (long) Math.floor(sx);
                        long x1 = Math.min(x0 + 1, w - 1);
                        double fx = sx - x0;
                        double top = (1 - fx) * x.getDouble(i, ch, y0, x0) + fx * x.getDouble(i, ch, y0, x1);
                        double bottom = (1 - fx) * x.getDouble(i, ch, y1, x0) + fx * x.getDouble(i, ch, y1, x1);
                        out.putScalar(new long[] {i, ch, y, xo}, (1 - fy) * top + fy * bottom);
                    }
                }
            }
        }
        return out;
    }
}
