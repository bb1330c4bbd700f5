package io.segpipe.model.layers;

import static io.segpipe.model.layers.BilinearInterpolation.Alignment.CORNERS;
import static io.segpipe.model.layers.BilinearInterpolation.Alignment.HALF_PIXEL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.model.backend.Nd4jBackend;

/** The standalone resize: half-pixel centres for inference, and the vertex's own routine for corners. */
class BilinearInterpolationTest {

    @BeforeAll
    static void loadBackend() {
        Nd4jBackend.init();
    }

    private static void assertClose(INDArray expected, INDArray actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= tol, "max difference " + diff);
    }

    @Test
    void halfPixelResizeUsesPixelCentres() {
        INDArray row = Nd4j.createFromArray(new float[] {0, 1}).reshape(1, 1, 1, 2);
        INDArray up = BilinearInterpolation.resize(row, 1, 4, HALF_PIXEL);
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, up.data().asFloat(), 1e-6f);
        INDArray constant = Nd4j.valueArrayOf(new long[] {2, 3, 7, 9}, 0.3f);
        assertClose(Nd4j.valueArrayOf(new long[] {2, 3, 4, 13}, 0.3f),
                BilinearInterpolation.resize(constant, 4, 13, HALF_PIXEL), 1e-6);
        INDArray m = BilinearInterpolation.matrix(7, 3, DataType.FLOAT, HALF_PIXEL);
        assertClose(Nd4j.ones(DataType.FLOAT, 3), m.sum(1), 1e-6);
    }

    @Test
    void cornerResizeEqualsTheVertexForward() {
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, 4, 5);
        ComputationGraph graph = GraphTestSupport.init(GraphTestSupport.doubleGraph(5)
                .addInputs("in", "ref")
                .addVertex("resize", BilinearResizeVertex.toMatchSecondInput(), "in", "ref")
                .setOutputs("resize")
                .setInputTypes(InputType.convolutional(4, 5, 3), InputType.convolutional(9, 7, 1))
                .build());
        INDArray viaVertex = graph.outputSingle(x, Nd4j.zeros(DataType.DOUBLE, 2, 1, 9, 7));
        assertClose(viaVertex, BilinearInterpolation.resize(x, 9, 7, CORNERS), 0);
    }
}
