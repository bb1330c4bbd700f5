package io.segpipe.model.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.layers.SpaceToBatchVertex;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

/** What is particular to DeepLab: output stride, ASPP rates, atrous by space-to-batch, image pooling, v3+ decoder. */
class DeepLabTest {
    @BeforeAll
    static void backend() {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(TinySpecs.THREADS);
    }

    @ParameterizedTest
    @CsvSource({"DEEPLAB_V3, 18, 16", "DEEPLAB_V3, 18, 8", "DEEPLAB_V3_PLUS, 50, 16", "DEEPLAB_V3_PLUS, 34, 8"})
    void featuresHaveTheOutputStrideAndAsppTheMatchingRates(Architecture architecture, int depth, int outputStride) {
        SegmentationSpec spec = TinySpecs.builder(architecture, 3).depth(depth).outputStride(outputStride).build();
        ComputationGraphConfiguration conf = Architectures.build(spec);
        int scale = 16 / outputStride;
        for (int rate : DeepLab.ASPP_RATES) {
            assertTrue(conf.getVertices().containsKey("aspp_3x3_rate" + rate * scale), "ASPP rate " + rate * scale);
        }
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        Map<String, INDArray> activations = net.feedForward(Synthetic.images(spec, 1, 64, 96, 1), false);
        INDArray aspp = activations.get("aspp_concat");
        assertArrayEquals(new long[] {1, 5L * spec.width(DeepLab.ASPP_WIDTH), 64 / outputStride, 96 / outputStride}, aspp.shape());
        // the image-level branch is one value per channel, broadcast over the feature map
        INDArray pooled = activations.get("aspp_pool_broadcast");
        INDArray perChannelRange = pooled.max(2, 3).sub(pooled.min(2, 3));
        assertEquals(0.0, perChannelRange.amaxNumber().doubleValue(), 1e-6);
        if (architecture == Architecture.DEEPLAB_V3_PLUS) {
            assertArrayEquals(new long[] {64 / 4, 96 / 4}, new long[] {activations.get("decoder_concat").size(2),
                    activations.get("decoder_concat").size(3)}, "decoder works at stride 4");
            assertEquals(spec.width(DeepLab.ASPP_WIDTH) + spec.width(DeepLab.LOW_LEVEL_WIDTH), activations.get("decoder_concat").size(1));
        }
    }

    @ParameterizedTest
    @CsvSource({"16", "8"})
    void noConvolutionIsDilatedSoAllStayOnTheOneDnnPath(int outputStride) {
        SegmentationSpec spec = TinySpecs.builder(Architecture.DEEPLAB_V3_PLUS, 3).depth(50).outputStride(outputStride).build();
        int atrous = 0;
        for (Map.Entry<String, GraphVertex> e : Architectures.build(spec).getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof ConvolutionLayer conv) {
                assertArrayEquals(new int[] {1, 1}, conv.getDilation(), e.getKey());
            }
            if (e.getValue() instanceof SpaceToBatchVertex) {
                atrous++;
            }
        }
        // ResNet-50 last stage(s) less their first unit's 3x3 (previous rate), plus ASPP's three branches
        int expected = outputStride == 16 ? (3 - 1) + 3 : (6 - 1) + 3 + 3;
        assertEquals(expected, atrous, "atrous convolutions by space-to-batch");
    }
}
