package io.segpipe.model.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

/** What is particular to FCN: zero score layers, bilinear up-sampling that is aligned, the final one frozen. */
class FcnTest {
    @BeforeAll
    static void backend() {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(TinySpecs.THREADS);
    }

    @Test
    void scoreLayersStartAtZeroSoTheFirstPredictionIsUniform() {
        SegmentationSpec spec = TinySpecs.of(Architecture.FCN8S, 4);
        ComputationGraph net = Architectures.create(spec);
        for (String layer : new String[] {"score_fr", "score_pool4", "score_pool3"}) {
            assertEquals(0.0, net.getLayer(layer).params().amaxNumber().doubleValue(), layer);
        }
        INDArray out = net.outputSingle(Synthetic.images(spec, 1, 45, 70, 1));
        assertEquals(0.0, out.sub(0.25).amaxNumber().doubleValue(), 1e-6);
    }

    @Test
    void finalUpsamplingStaysBilinearWhileTheSkipUpsamplingLearns() {
        SegmentationSpec spec = TinySpecs.of(Architecture.FCN16S, 3);
        ComputationGraph net = Architectures.create(spec);
        INDArray finalBefore = net.getLayer("upscore16").params().dup();
        INDArray skipBefore = net.getLayer("upscore2_pool4").params().dup();
        for (int step = 0; step < 3; step++) {
            net.fit(Synthetic.batch(spec, 2, 40, 56, step));
        }
        assertEquals(finalBefore, net.getLayer("upscore16").params(), "the final up-sampling is fixed");
        assertNotEquals(skipBefore, net.getLayer("upscore2_pool4").params(), "the 2x skip up-sampling is learned");
    }

    @Test
    void bilinearUpsamplingInterpolatesARampOnTheAlignedGrid() {
        int factor = 4;
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.FCN32S, 2).inputChannels(1).build();
        GraphBuilder g = Blocks.graph(spec);
        g.setOutputs(Blocks.bilinearUpsampling(g, "up", Blocks.INPUT, 1, factor, false));
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        int h = 6;
        int w = 7;
        INDArray ramp = Nd4j.create(DataType.FLOAT, 1, 1, h, w);
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                ramp.putScalar(new long[] {0, 0, i, j}, 3 * i + 2 * j);
            }
        }
        INDArray out = net.outputSingle(ramp);
        assertArrayEquals(new long[] {1, 1, h * factor, w * factor}, out.shape());
        // Output pixel o samples input coordinate (o - (f-1)/2) / f; exact wherever it is between two pixels.
        double shift = (factor - 1) / 2.0;
        for (int o = factor; o < (h - 1) * factor; o++) {
            for (int p = factor; p < (w - 1) * factor; p++) {
                double expected = 3 * (o - shift) / factor + 2 * (p - shift) / factor;
                assertEquals(expected, out.getDouble(0, 0, o, p), 1e-4, "at " + o + "," + p);
            }
        }
        assertTrue(out.getDouble(0, 0, 0, 0) < out.getDouble(0, 0, factor, factor), "borders see zero padding");
    }
}
