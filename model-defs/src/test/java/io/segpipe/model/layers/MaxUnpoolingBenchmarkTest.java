package io.segpipe.model.layers;

import java.util.Locale;

import io.segpipe.model.backend.Nd4jBackend;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Speed of {@link MaxUnpoolingVertex} alone at SegNet-Basic's CamVid sizes (batch 2, 64 channels,
 * float; pre-pooling 360x480, 180x240, 90x120 and 45x60, the last pooled to 23x30 in Same mode):
 * median milliseconds of forward and backward per stage and for the four stages of one step.
 * Run: {@code mvn -B -o -pl model-defs test -Pslow -Dtest=MaxUnpoolingBenchmarkTest}.
 */
@Tag("slow")
class MaxUnpoolingBenchmarkTest {
    private static final long[][] PRE_POOL_SIZES = {{360, 480}, {180, 240}, {90, 120}, {45, 60}};
    private static final int BATCH = 2;
    private static final int CHANNELS = 64;

    @BeforeAll
    static void loadBackend() {
        Nd4jBackend.init();
    }

    @Test
    void segNetBasicStages() {
        double step = 0;
        for (long[] size : PRE_POOL_SIZES) {
            double[] ms = time(vertex(size), size);
            System.out.printf(Locale.ROOT, "unpool %dx%d: forward %.1f ms, backward %.1f ms%n", size[0], size[1], ms[0], ms[1]);
            step += ms[0] + ms[1];
        }
        System.out.printf(Locale.ROOT, "unpool, SegNet-Basic step (4 stages): %.1f ms%n", step);
    }

    /** Median milliseconds of {forward, backward} after warm-up, without workspaces (as CustomLayerTimer). */
    static double[] time(GraphVertex unpool, long[] size) {
        Nd4j.getRandom().setSeed(1);
        long h = (size[0] + 1) / 2;
        long w = (size[1] + 1) / 2;
        INDArray decoder = Nd4j.rand(DataType.FLOAT, BATCH, CHANNELS, h, w);
        INDArray prePool = Nd4j.rand(DataType.FLOAT, BATCH, CHANNELS, size[0], size[1]);
        INDArray epsilon = Nd4j.rand(DataType.FLOAT, BATCH, CHANNELS, size[0], size[1]);
        int warmUp = 2;
        int runs = 7;
        double[] forward = new double[runs];
        double[] backward = new double[runs];
        for (int i = 0; i < warmUp + runs; i++) {
            long start = System.nanoTime();
            unpool.setInputs(decoder, prePool);
            unpool.doForward(true, LayerWorkspaceMgr.noWorkspaces());
            long mid = System.nanoTime();
            unpool.setEpsilon(epsilon);
            unpool.doBackward(false, LayerWorkspaceMgr.noWorkspaces());
            long end = System.nanoTime();
            if (i >= warmUp) {
                forward[i - warmUp] = (mid - start) / 1e6;
                backward[i - warmUp] = (end - mid) / 1e6;
            }
        }
        return new double[] {median(forward), median(backward)};
    }

    static GraphVertex vertex(long[] size) {
        ComputationGraph graph = GraphTestSupport.init(GraphTestSupport.graph(1, DataType.FLOAT)
                .addInputs("decoder", "prePool")
                .addVertex("unpool", new MaxUnpoolingVertex(), "decoder", "prePool")
                .setOutputs("unpool")
                .setInputTypes(InputType.convolutional((size[0] + 1) / 2, (size[1] + 1) / 2, CHANNELS),
                        InputType.convolutional(size[0], size[1], CHANNELS))
                .build());
        return graph.getVertex("unpool");
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
