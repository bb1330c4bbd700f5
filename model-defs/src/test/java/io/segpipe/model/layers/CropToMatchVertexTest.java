package io.segpipe.model.layers;

import static io.segpipe.model.layers.GraphTestSupport.assertGradientsMatch;
import static io.segpipe.model.layers.GraphTestSupport.assertRoundTrips;
import static io.segpipe.model.layers.GraphTestSupport.doubleGraph;
import static io.segpipe.model.layers.GraphTestSupport.init;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segpipe.model.backend.Nd4jBackend;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
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

class CropToMatchVertexTest {

    @BeforeAll
    static void loadBackend() {
        Nd4jBackend.init();
    }

    @Test
    void centredAndOffsetCropsMatchAPlainLoop() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, 7, 8);
        INDArray reference = Nd4j.zeros(DataType.DOUBLE, 2, 1, 4, 5);
        assertEquals(crop(x, 1, 1, 4, 5), cropGraph(CropToMatchVertex.centred(), 7, 8, 4, 5).outputSingle(x, reference));
        assertEquals(crop(x, 3, 0, 4, 5), cropGraph(CropToMatchVertex.atOffset(3, 0), 7, 8, 4, 5).outputSingle(x, reference));
        assertEquals(x, cropGraph(CropToMatchVertex.centred(), 7, 8, 7, 8).outputSingle(x, Nd4j.zeros(DataType.DOUBLE, 2, 1, 7, 8)));
    }

    @Test
    void gradientIsTheOutputGradientZeroPaddedBack() {
        Nd4j.getRandom().setSeed(3);
        for (CropToMatchVertex crop : new CropToMatchVertex[] {CropToMatchVertex.centred(), CropToMatchVertex.atOffset(2, 1)}) {
            ComputationGraph graph = trainableGraph(crop);
            INDArray[] inputs = {Nd4j.rand(DataType.DOUBLE, 2, 2, 7, 6), Nd4j.rand(DataType.DOUBLE, 2, 1, 4, 3)};
            assertGradientsMatch(graph, inputs, new INDArray[] {Nd4j.rand(DataType.DOUBLE, 2, 2, 4, 3)}, null);
        }
    }

    @Test
    void roundTripsThroughJsonAndModelSerializer() {
        assertRoundTrips(trainableGraph(CropToMatchVertex.atOffset(2, 1)),
                Nd4j.rand(DataType.DOUBLE, 1, 2, 7, 6), Nd4j.rand(DataType.DOUBLE, 1, 1, 4, 3));
        assertRoundTrips(trainableGraph(CropToMatchVertex.centred()),
                Nd4j.rand(DataType.DOUBLE, 1, 2, 9, 9), Nd4j.rand(DataType.DOUBLE, 1, 1, 4, 3));
    }

    @Test
    void rejectsWindowsThatDoNotFit() {
        assertEquals("top must be >= 0, found -1",
                assertThrows(IllegalArgumentException.class, () -> CropToMatchVertex.atOffset(-1, 0)).getMessage());
        InvalidInputTypeException e = assertThrows(InvalidInputTypeException.class,
                () -> cropGraph(CropToMatchVertex.atOffset(3, 0), 6, 6, 4, 4));
        assertEquals("cannot crop 4x4 at offset (3, 0) from a 6x6 input", e.getMessage());
        ComputationGraph graph = cropGraph(CropToMatchVertex.centred(), 6, 6, 4, 4);
        IllegalArgumentException runtime = assertThrows(IllegalArgumentException.class, () -> graph.outputSingle(
                Nd4j.zeros(DataType.DOUBLE, 1, 1, 3, 6), Nd4j.zeros(DataType.DOUBLE, 1, 1, 4, 4)));
        assertTrue(runtime.getMessage().contains("from a 3x6 input"), runtime.getMessage());
    }

    /** conv on each input; crop(conv(in), like conv(ref)) + conv(ref), then a per-pixel MSE. */
    private static ComputationGraph trainableGraph(CropToMatchVertex crop) {
        return init(doubleGraph(11)
                .addInputs("in", "ref")
                .addLayer("conv", new ConvolutionLayer.Builder(1, 1).nOut(2).activation(Activation.TANH).build(), "in")
                .addLayer("refConv", new ConvolutionLayer.Builder(1, 1).nOut(2).activation(Activation.TANH).build(), "ref")
                .addVertex("crop", crop, "conv", "refConv")
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "crop", "refConv")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), "sum")
                .setOutputs("loss")
                .setInputTypes(InputType.convolutional(7, 6, 2), InputType.convolutional(4, 3, 1))
                .build());
    }

    private static ComputationGraph cropGraph(CropToMatchVertex crop, long h, long w, long outH, long outW) {
        return init(doubleGraph(5)
                .addInputs("in", "ref")
                .addVertex("crop", crop, "in", "ref")
                .setOutputs("crop")
                .setInputTypes(InputType.convolutional(h, w, 3), InputType.convolutional(outH, outW, 1))
                .build());
    }

    private static INDArray crop(INDArray x, int top, int left, int h, int w) {
        INDArray out = Nd4j.zeros(DataType.DOUBLE, x.size(0), x.size(1), h, w);
        for (int n = 0; n < x.size(0); n++) {
            for (int c = 0; c < x.size(1); c++) {
                for (int y = 0; y < h; y++) {
                    for (int z = 0; z < w; z++) {
                        out.putScalar(new int[] {n, c, y, z}, x.getDouble(n, c, top + y, left + z));
                    }
                }
            }
        }
        return out;
    }
}
