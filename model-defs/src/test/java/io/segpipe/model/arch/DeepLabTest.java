package io.segpipe.model.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.layers.BatchNormRelu;
import io.segpipe.model.layers.MultiScaleLayer;
import io.segpipe.model.layers.MultiScaleLossLayer;
import io.segpipe.model.layers.SpaceToBatchVertex;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.Backbone;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * What is particular to DeepLab: output stride, ASPP rates, atrous by space-to-batch, image pooling,
 * v3+ decoder; v1's LargeFOV, v2's ASPP-L, Multi-Grid, the Xception backbone, separable
 * convolutions, and the validation of the options.
 */
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

    @ParameterizedTest
    @MethodSource("deepLabVariants")
    void noConvolutionOfAnyDeepLabIsDilated(TinySpecs.Variant variant) {
        for (Map.Entry<String, GraphVertex> e : Architectures.build(variant.spec(3)).getVertices().entrySet()) {
            Layer layer = e.getValue() instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
            if (layer instanceof ConvolutionLayer conv) { // DepthwiseConvolution2D included
                assertArrayEquals(new int[] {1, 1}, conv.getDilation(), variant + " " + e.getKey());
            }
            if (layer instanceof MultiScaleLayer multiScale) {
                for (GraphVertex inner : multiScale.bodyConfiguration().getVertices().values()) {
                    if (inner instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof ConvolutionLayer conv) {
                        assertArrayEquals(new int[] {1, 1}, conv.getDilation(), variant + " body");
                    }
                }
            }
        }
    }

    static List<TinySpecs.Variant> deepLabVariants() {
        return TinySpecs.variants().stream().filter(v -> v.architecture().name().startsWith("DEEPLAB")).toList();
    }

    // ---- v1

    @Test
    void v1LargeFovPoolsToStride8AndDilatesConv5By2AndFc6By12() {
        SegmentationSpec spec = TinySpecs.of(Architecture.DEEPLAB_V1, 3);
        ComputationGraphConfiguration conf = Architectures.build(spec);
        for (int stage = 1; stage <= 5; stage++) {
            SubsamplingLayer pool = (SubsamplingLayer) layer(conf, "pool" + stage);
            assertArrayEquals(new int[] {3, 3}, pool.getKernelSize(), "pool" + stage);
            assertArrayEquals(stage <= 3 ? new int[] {2, 2} : new int[] {1, 1}, pool.getStride(), "pool" + stage);
        }
        for (int i = 1; i <= 3; i++) {
            assertEquals(new SpaceToBatchVertex(2), conf.getVertices().get("conv5_" + i + "_s2b"));
            assertFalse(conf.getVertices().containsKey("conv4_" + i + "_s2b"), "conv4 is not atrous");
        }
        assertEquals(new SpaceToBatchVertex(12), conf.getVertices().get("fc6_s2b"));
        assertArrayEquals(new int[] {3, 3}, ((ConvolutionLayer) layer(conf, "fc6")).getKernelSize());
        assertEquals(spec.width(1024), ((ConvolutionLayer) layer(conf, "fc6")).getNOut());
        assertArrayEquals(new int[] {1, 1}, ((ConvolutionLayer) layer(conf, "fc7")).getKernelSize());
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        INDArray scores = net.feedForward(Synthetic.images(spec, 1, 64, 96, 1), false).get("fc8");
        assertArrayEquals(new long[] {1, 3, 64 / 8, 96 / 8}, scores.shape(), "class scores at output stride 8");
    }

    // ---- v2

    @Test
    void v2SumsFourAtrousClassifiersWithoutBatchNormOrImagePooling() {
        SegmentationSpec spec = TinySpecs.of(Architecture.DEEPLAB_V2, 3);
        ComputationGraphConfiguration conf = Architectures.build(spec);
        assertEquals(8, spec.outputStride());
        List<String> branches = new java.util.ArrayList<>();
        for (int rate : new int[] {6, 12, 18, 24}) {
            String name = "aspp_rate" + rate;
            assertEquals(new SpaceToBatchVertex(rate), conf.getVertices().get(name + "_s2b"));
            ConvolutionLayer classifier = (ConvolutionLayer) layer(conf, name);
            assertArrayEquals(new int[] {3, 3}, classifier.getKernelSize());
            assertEquals(3, classifier.getNOut(), "straight to the class scores");
            assertTrue(classifier.hasBias(), "with bias: no batch norm follows");
            branches.add(name + "_b2s");
        }
        assertInstanceOf(ElementWiseVertex.class, conf.getVertices().get("scores"));
        assertEquals(branches, conf.getVertexInputs().get("scores"), "the four branches are summed");
        for (GraphVertex v : conf.getVertices().values()) {
            assertFalse(v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof GlobalPoolingLayer, "no image pooling");
        }
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        Map<String, INDArray> activations = net.feedForward(Synthetic.images(spec, 1, 64, 96, 1), false);
        assertArrayEquals(new long[] {1, 3, 64 / 8, 96 / 8}, activations.get("scores").shape(), "output stride 8");
    }

    @Test
    void v2MultiScaleInputsWrapTheSameNetworkInOneLayer() {
        SegmentationSpec single = TinySpecs.of(Architecture.DEEPLAB_V2, 3);
        ComputationGraphConfiguration conf = Architectures.build(single.toBuilder().multiScaleInputs(true).build());
        MultiScaleLayer multiScale = (MultiScaleLayer) layer(conf, DeepLabV2.MULTI_SCALE);
        assertArrayEquals(new double[] {1, 0.75, 0.5}, multiScale.getScales());
        assertEquals(List.of(Blocks.INPUT), conf.getVertexInputs().get(DeepLabV2.MULTI_SCALE));
        assertEquals(4, ((MultiScaleLossLayer) layer(conf, Blocks.OUTPUT)).getOutputs(), "fused and three scales supervised");
        // the body is the single-scale network up to its scores
        Set<String> singleVertices = new java.util.HashSet<>(Architectures.build(single).getVertices().keySet());
        Set<String> body = multiScale.bodyConfiguration().getVertices().keySet();
        assertTrue(singleVertices.containsAll(body), "body vertices are the single-scale network's");
        singleVertices.removeAll(body);
        assertEquals(Set.of("scores_resize", Blocks.OUTPUT), singleVertices);
    }

    // ---- Multi-Grid

    @ParameterizedTest
    @CsvSource({"16, false, 1, 2, 2", "16, true, 2, 4, 8", "8, true, 4, 8, 16"})
    void multiGridMultipliesTheLastStagesRateByOneTwoFour(int outputStride, boolean multiGrid, int r0, int r1, int r2) {
        SegmentationSpec spec = TinySpecs.builder(Architecture.DEEPLAB_V3, 3).depth(50).outputStride(outputStride)
                .multiGrid(multiGrid).build();
        ComputationGraphConfiguration conf = Architectures.build(spec);
        int[] rates = {r0, r1, r2};
        for (int unit = 0; unit < 3; unit++) {
            assertEquals(rates[unit], rate(conf, "layer4_" + unit + "_conv2"), "unit " + unit);
        }
    }

    @Test
    void multiGridOnXceptionSetsTheLastThreeSeparableConvolutionsRates() {
        SegmentationSpec spec = TinySpecs.builder(Architecture.DEEPLAB_V3_PLUS, 3).backbone(Backbone.XCEPTION).depth(65)
                .outputStride(16).multiGrid(true).build();
        ComputationGraphConfiguration conf = Architectures.build(spec);
        int[] rates = {2, 4, 8};
        for (int i = 0; i < 3; i++) {
            assertEquals(rates[i], rate(conf, "exit2_sep" + (i + 1) + "_dw"));
        }
    }

    // ---- Xception-65

    @ParameterizedTest
    @CsvSource({"16, 1, 1, 2", "8, 2, 2, 4"})
    void xceptionReachesTheOutputStrideByAtrousDepthwiseConvolutions(int outputStride, int middleRate, int exit1Rate, int exit2Rate) {
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.DEEPLAB_V3_PLUS, 3).backbone(Backbone.XCEPTION)
                .widthMultiplier(1.0 / 8).outputStride(outputStride).build();
        assertEquals(65, spec.depth(), "Xception's depth by default");
        assertTrue(spec.separableConvolutions(), "separable ASPP and decoder by default on Xception");
        ComputationGraphConfiguration conf = Architectures.build(spec);
        assertEquals(1, rate(conf, "entry3_sep1_dw"));
        for (int module = 1; module <= Xception.MIDDLE_MODULES; module++) {
            assertEquals(middleRate, rate(conf, "middle" + module + "_sep2_dw"), "middle flow " + module);
        }
        assertEquals(exit1Rate, rate(conf, "exit1_sep1_dw"));
        assertEquals(exit2Rate, rate(conf, "exit2_sep3_dw"));
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        Map<String, INDArray> activations = net.feedForward(Synthetic.images(spec, 1, 64, 96, 1), false);
        INDArray high = activations.get("exit2_sep3_pw_bn");
        assertArrayEquals(new long[] {1, spec.width(2048), 64 / outputStride, 96 / outputStride}, high.shape());
        INDArray lowLevel = activations.get("entry2_sep2_pw_bn");
        assertArrayEquals(new long[] {1, spec.width(256), 64 / 4, 96 / 4}, lowLevel.shape(), "decoder's low-level features");
        assertEquals(List.of("entry2_sep2_pw_bn"), conf.getVertexInputs().get("decoder_low_level"));
    }

    @Test
    void everyDepthwiseConvolutionIsFollowedByBatchNormAndRelu() {
        for (SegmentationSpec spec : List.of(
                TinySpecs.builder(Architecture.DEEPLAB_V3_PLUS, 3).backbone(Backbone.XCEPTION).depth(65).build(),
                TinySpecs.builder(Architecture.DEEPLAB_V3_PLUS, 3).separableConvolutions(true).build())) {
            ComputationGraphConfiguration conf = Architectures.build(spec);
            int depthwise = 0;
            for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
                if (e.getValue() instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof DepthwiseConvolution2D) {
                    depthwise++;
                    String out = conf.getVertices().containsKey(e.getKey() + "_b2s") ? e.getKey() + "_b2s" : e.getKey();
                    assertEquals(List.of(out), conf.getVertexInputs().get(e.getKey() + "_bn"), e.getKey());
                    assertInstanceOf(BatchNormRelu.class, layer(conf, e.getKey() + "_bn"), e.getKey());
                    assertEquals(List.of(e.getKey() + "_bn"), conf.getVertexInputs().get(e.getKey().replace("_dw", "_pw")));
                }
            }
            // Xception: 2 + 3x3 entry + 16x3 middle + 3 exit1 + 3 exit2 = 63 separable; plus 3 ASPP + 2 decoder
            int expected = spec.backbone() == Backbone.XCEPTION ? 3 * 3 + 16 * 3 + 3 + 3 + 3 + 2 : 3 + 2;
            assertEquals(expected, depthwise, spec.backbone() + " depthwise convolutions");
            assertInstanceOf(DepthwiseConvolution2D.class, layer(conf, "aspp_3x3_rate12_dw"));
            assertInstanceOf(DepthwiseConvolution2D.class, layer(conf, "decoder_conv2_dw"));
        }
    }

    // ---- the spec's options, validated

    @Test
    void eachDeepLabHasItsPapersDefaults() {
        SegmentationSpec v1 = SegmentationSpec.builder(Architecture.DEEPLAB_V1, 21).build();
        assertEquals(8, v1.outputStride());
        assertNull(v1.backbone());
        SegmentationSpec v2 = SegmentationSpec.builder(Architecture.DEEPLAB_V2, 21).build();
        assertEquals(List.of(Backbone.RESNET, 101, 8), List.of(v2.backbone(), v2.depth(), v2.outputStride()));
        SegmentationSpec v3 = SegmentationSpec.builder(Architecture.DEEPLAB_V3, 21).build();
        assertEquals(List.of(Backbone.RESNET, 50, 16, false), List.of(v3.backbone(), v3.depth(), v3.outputStride(), v3.separableConvolutions()));
        SegmentationSpec xception = SegmentationSpec.builder(Architecture.DEEPLAB_V3_PLUS, 21).backbone(Backbone.XCEPTION).build();
        assertEquals(List.of(65, true, false), List.of(xception.depth(), xception.separableConvolutions(), xception.multiGrid()));
        assertNull(SegmentationSpec.builder(Architecture.UNET, 2).build().backbone());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "DEEPLAB_V3 | RESNET | 18 | multiGrid needs DEEPLAB_V3 or DEEPLAB_V3_PLUS on a backbone whose last stage has three units (ResNet-34, -50, -101 or Xception-65), found DEEPLAB_V3 on ResNet-18",
        "DEEPLAB_V2 | RESNET | 101 | multiGrid needs DEEPLAB_V3 or DEEPLAB_V3_PLUS on a backbone whose last stage has three units (ResNet-34, -50, -101 or Xception-65), found DEEPLAB_V2 on ResNet-101",
        "DEEPLAB_V1 |  | 0 | multiGrid needs DEEPLAB_V3 or DEEPLAB_V3_PLUS on a backbone whose last stage has three units (ResNet-34, -50, -101 or Xception-65), found DEEPLAB_V1 on VGG16"})
    void multiGridWithoutAThreeUnitLastStageIsRefusedSayingWhatIsAllowed(Architecture architecture, Backbone backbone, int depth,
                                                                         String message) {
        SegmentationSpec.Builder b = SegmentationSpec.builder(architecture, 3).backbone(backbone).multiGrid(true);
        if (depth > 0) {
            b.depth(depth);
        }
        assertEquals(message, assertThrows(IllegalArgumentException.class, b::build).getMessage());
    }

    @Test
    void optionsAnArchitectureCannotTakeAreRefusedNamingTheOption() {
        assertEquals("outputStride must be 8 for DEEPLAB_V1 (its VGG16 keeps pool4 and pool5 at stride 1), found 16",
                message(SegmentationSpec.builder(Architecture.DEEPLAB_V1, 3).outputStride(16)));
        assertEquals("outputStride must be 8 for DEEPLAB_V2 (its ASPP rates 6-24 are for output stride 8), found 16",
                message(SegmentationSpec.builder(Architecture.DEEPLAB_V2, 3).outputStride(16)));
        assertEquals("outputStride must be 8 or 16 for DEEPLAB_V3_PLUS, found 32",
                message(SegmentationSpec.builder(Architecture.DEEPLAB_V3_PLUS, 3).backbone(Backbone.XCEPTION).outputStride(32)));
        assertEquals("backbone must be RESNET for DEEPLAB_V2 (ResNet-101 in its paper), found XCEPTION",
                message(SegmentationSpec.builder(Architecture.DEEPLAB_V2, 3).backbone(Backbone.XCEPTION)));
        assertEquals("backbone must not be set for UNET (its encoder is fixed; backbone selects the encoder of DEEPLAB_V2, "
                + "DEEPLAB_V3 and DEEPLAB_V3_PLUS), found XCEPTION", message(SegmentationSpec.builder(Architecture.UNET, 3).backbone(Backbone.XCEPTION)));
        assertEquals("depth must be 65 for DEEPLAB_V3 on XCEPTION (aligned Xception-65), found 50",
                message(SegmentationSpec.builder(Architecture.DEEPLAB_V3, 3).backbone(Backbone.XCEPTION).depth(50)));
        assertEquals("separableConvolutions applies to the ASPP and decoder of DEEPLAB_V3 and DEEPLAB_V3_PLUS, found DEEPLAB_V2",
                message(SegmentationSpec.builder(Architecture.DEEPLAB_V2, 3).separableConvolutions(true)));
        assertEquals("multiScaleInputs is DeepLab v2's multi-scale training (DEEPLAB_V2 only), found DEEPLAB_V3",
                message(SegmentationSpec.builder(Architecture.DEEPLAB_V3, 3).multiScaleInputs(true)));
    }

    private static String message(SegmentationSpec.Builder b) {
        return assertThrows(IllegalArgumentException.class, b::build).getMessage();
    }

    /** The layer of vertex {@code name}. */
    private static Layer layer(ComputationGraphConfiguration conf, String name) {
        return ((LayerVertex) conf.getVertices().get(name)).getLayerConf().getLayer();
    }

    /** The atrous rate of convolution {@code name}: its space-to-batch vertex's, 1 without one. */
    private static int rate(ComputationGraphConfiguration conf, String name) {
        assertTrue(conf.getVertices().containsKey(name), name);
        GraphVertex s2b = conf.getVertices().get(name + "_s2b");
        return s2b == null ? 1 : ((SpaceToBatchVertex) s2b).getRate();
    }
}
