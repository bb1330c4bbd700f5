package io.segpipe.model.layers;

import static io.segpipe.model.layers.GraphTestSupport.assertGradientsMatch;
import static io.segpipe.model.layers.GraphTestSupport.assertRoundTrips;
import static io.segpipe.model.layers.GraphTestSupport.doubleGraph;
import static io.segpipe.model.layers.GraphTestSupport.graph;
import static io.segpipe.model.layers.GraphTestSupport.init;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.segpipe.model.backend.Nd4jBackend;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class MaxUnpoolingVertexTest {
    /** H, W of the pre-pooling activation and h, w of the decoder: even, ceil (Same pool), floor (Truncate pool), mixed. */
    private static final long[][] SIZES = {{4, 6, 2, 3}, {5, 7, 3, 4}, {5, 7, 2, 3}, {1, 3, 1, 2}, {5, 7, 3, 3}};

    @BeforeAll
    static void loadBackend() {
        Nd4jBackend.init();
    }

    /** Double runs libnd4j's own pooling kernel, float the oneDNN one: both must keep the same argmax. */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"DOUBLE", "FLOAT"})
    void matchesAPlainLoopWithTiesAndOddSizes(DataType type) {
        Nd4j.getRandom().setSeed(4);
        for (long[] s : SIZES) {
            INDArray prePool = tiedValues(type, s);
            INDArray decoder = Nd4j.rand(type, 2, 3, s[2], s[3]).addi(1);
            INDArray out = unpoolGraph(s, type).outputSingle(decoder, prePool);
            assertEquals(reference(decoder, prePool), out, "sizes " + java.util.Arrays.toString(s));
        }
    }

    /** The backward pass reads epsilon at the very positions the forward pass wrote to, ties included. */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"DOUBLE", "FLOAT"})
    void backwardGathersEpsilonFromTheForwardArgmax(DataType type) {
        Nd4j.getRandom().setSeed(7);
        for (long[] s : SIZES) {
            INDArray prePool = tiedValues(type, s);
            INDArray decoder = Nd4j.rand(type, 2, 3, s[2], s[3]);
            INDArray epsilon = Nd4j.rand(type, prePool.shape()).subi(0.5);
            GraphVertex unpool = unpoolGraph(s, type).getVertex("unpool");
            unpool.setInputs(decoder, prePool);
            unpool.doForward(true, LayerWorkspaceMgr.noWorkspaces());
            unpool.setEpsilon(epsilon);
            INDArray[] gradients = unpool.doBackward(false, LayerWorkspaceMgr.noWorkspaces()).getSecond();
            assertEquals(gatherReference(epsilon, decoder, prePool), gradients[0], "sizes " + java.util.Arrays.toString(s));
            assertEquals(Nd4j.zeros(type, prePool.shape()), gradients[1], "pre-pooling gradient");
        }
    }

    @Test
    void unpoolingDl4jMaxPoolingOutputRestoresTheMaximaInPlace() {
        Nd4j.getRandom().setSeed(5);
        ComputationGraph graph = init(doubleGraph(1)
                .addInputs("in")
                .addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2).stride(2, 2).build(), "in")
                .addVertex("unpool", new MaxUnpoolingVertex(), "pool", "in")
                .setOutputs("unpool")
                .setInputTypes(InputType.convolutional(5, 6, 2))
                .build());
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, 5, 6);
        assertEquals(reference(maxPool(x), x), graph.outputSingle(x));
    }

    @Test
    void gradientFlowsToTheDecoderOnly() {
        Nd4j.getRandom().setSeed(6);
        for (ConvolutionMode poolMode : new ConvolutionMode[] {ConvolutionMode.Same, ConvolutionMode.Truncate}) {
            ComputationGraph graph = trainableGraph(poolMode);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, 5, 4);
            assertGradientsMatch(graph, new INDArray[] {x}, new INDArray[] {Nd4j.rand(DataType.DOUBLE, 2, 2, 5, 4)}, null);
        }
    }

    @Test
    void roundTripsThroughJsonAndModelSerializer() {
        assertRoundTrips(trainableGraph(ConvolutionMode.Same), Nd4j.rand(DataType.DOUBLE, 1, 2, 5, 4));
    }

    @Test
    void rejectsMismatchedSizes() {
        InvalidInputTypeException e = assertThrows(InvalidInputTypeException.class, () -> unpoolGraph(new long[] {6, 6, 4, 3}));
        assertEquals("decoder size 4x3 is not the 2x2/stride-2 pooled size of 6x6", e.getMessage());
    }

    /** enc conv -> max-pool -> dec conv -> unpool with enc's indices -> MSE. */
    private static ComputationGraph trainableGraph(ConvolutionMode poolMode) {
        return init(doubleGraph(13)
                .addInputs("in")
                .addLayer("enc", new ConvolutionLayer.Builder(1, 1).nOut(2).activation(Activation.TANH).build(), "in")
                .addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2).stride(2, 2).convolutionMode(poolMode).build(), "enc")
                .addLayer("dec", new ConvolutionLayer.Builder(1, 1).nOut(2).activation(Activation.TANH).build(), "pool")
                .addVertex("unpool", new MaxUnpoolingVertex(), "dec", "enc")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), "unpool")
                .setOutputs("loss")
                .setInputTypes(InputType.convolutional(5, 4, 2))
                .build());
    }

    private static ComputationGraph unpoolGraph(long[] s) {
        return unpoolGraph(s, DataType.DOUBLE);
    }

    private static ComputationGraph unpoolGraph(long[] s, DataType type) {
        return init(graph(5, type)
                .addInputs("decoder", "prePool")
                .addVertex("unpool", new MaxUnpoolingVertex(), "decoder", "prePool")
                .setOutputs("unpool")
                .setInputTypes(InputType.convolutional(s[2], s[3], 3), InputType.convolutional(s[0], s[1], 3))
                .build());
    }

    /** Values from {0, 1, 2}: most windows have ties. */
    private static INDArray tiedValues(DataType type, long[] s) {
        return Nd4j.rand(DataType.DOUBLE, 2, 3, s[0], s[1]).muli(3).castTo(DataType.INT32).castTo(type);
    }

    private static INDArray reference(INDArray decoder, INDArray prePool) {
        INDArray out = Nd4j.zeros(decoder.dataType(), prePool.shape());
        forEachWindow(decoder, prePool, (window, argmax) -> out.putScalar(argmax, decoder.getDouble(window)));
        return out;
    }

    /** The decoder gradient by loops: each window's epsilon at its argmax. */
    private static INDArray gatherReference(INDArray epsilon, INDArray decoder, INDArray prePool) {
        INDArray gradient = Nd4j.zeros(decoder.dataType(), decoder.shape());
        forEachWindow(decoder, prePool, (window, argmax) -> gradient.putScalar(window, epsilon.getDouble(argmax)));
        return gradient;
    }

    /** Each window scanned in row-major order; a later pixel wins only if strictly greater. */
    private static void forEachWindow(INDArray decoder, INDArray prePool, java.util.function.BiConsumer<long[], long[]> action) {
        for (long n = 0; n < decoder.size(0); n++) {
            for (long c = 0; c < decoder.size(1); c++) {
                for (long i = 0; i < decoder.size(2); i++) {
                    for (long j = 0; j < decoder.size(3); j++) {
                        long bestY = -1;
                        long bestX = -1;
                        for (long y = 2 * i; y < Math.min(2 * i + 2, prePool.size(2)); y++) {
                            for (long x = 2 * j; x < Math.min(2 * j + 2, prePool.size(3)); x++) {
                                if (bestY < 0 || prePool.getDouble(n, c, y, x) > prePool.getDouble(n, c, bestY, bestX)) {
                                    bestY = y;
                                    bestX = x;
                                }
                            }
                        }
                        action.accept(new long[] {n, c, i, j}, new long[] {n, c, bestY, bestX});
                    }
                }
            }
        }
    }

    /** 2x2 stride-2 max-pooling with partial last windows, by loops. */
    private static INDArray maxPool(INDArray x) {
        long h = (x.size(2) + 1) / 2;
        long w = (x.size(3) + 1) / 2;
        INDArray out = Nd4j.zeros(DataType.DOUBLE, x.size(0), x.size(1), h, w);
        for (long n = 0; n < x.size(0); n++) {
            for (long c = 0; c < x.size(1); c++) {
                for (long i = 0; i < h; i++) {
                    for (long j = 0; j < w; j++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (long y = 2 * i; y < Math.min(2 * i + 2, x.size(2)); y++) {
                            for (long z = 2 * j; z < Math.min(2 * j + 2, x.size(3)); z++) {
                                max = Math.max(max, x.getDouble(n, c, y, z));
                            }
                        }
                        out.putScalar(new long[] {n, c, i, j}, max);
                    }
                }
            }
        }
        return out;
    }
}
