package io.segpipe.model.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.layers.DenseBlock;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.Backbone;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * Canonical configurations reproduce the parameter counts of the papers' reference
 * implementations. Counts are read from the graph configuration (no 100M-parameter arrays are
 * allocated); {@link #configurationCountIsTheNetworksCount} shows that equals
 * {@code ComputationGraph.numParams()}.
 *
 * <p>Two systematic differences from the references, made explicit in every test:
 * <ul>
 *   <li>DL4J stores batch norm's running mean and variance as parameters (4 per channel: gamma,
 *       beta, mean, log-std); PyTorch and Caffe keep them as buffers (2 trainable per channel).
 *       {@link #trainable} subtracts 2 per batch-norm channel.</li>
 *   <li>segpipe's convolutions followed by batch norm have no bias (batch norm's shift makes it
 *       redundant, as torchvision's ResNet); the SegNet Caffe models carry both.</li>
 * </ul>
 */
class ParameterCountTest {
    @BeforeAll
    static void backend() {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(TinySpecs.THREADS);
    }

    @ParameterizedTest
    @MethodSource("io.segpipe.model.arch.TinySpecs#variants")
    void configurationCountIsTheNetworksCount(TinySpecs.Variant variant) {
        SegmentationSpec spec = variant.spec(5);
        ComputationGraphConfiguration conf = Architectures.build(spec);
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        assertEquals(net.numParams(), count(conf));
    }

    // ---- FCN: Long, Shelhamer, Darrell 2015, Table 1: FCN-VGG16 "134M" parameters. Exact numbers
    // from the layers of the reference Caffe models, shelhamer/fcn.berkeleyvision.org
    // voc-fcn{32,16,8}s/train.prototxt (21 PASCAL classes, no batch norm, deconvolutions without bias):
    //   VGG16 13 convs 14,714,688; fc6 7x7x512x4096 + 4096 = 102,764,544; fc7 4096x4096 + 4096 = 16,781,312;
    //   score_fr 4096x21 + 21 = 86,037                                  -> common part 134,346,581
    //   FCN-32s: upscore 64x64x21x21 = 1,806,336                        -> 136,152,917
    //   FCN-16s: upscore2 4x4x21x21 = 7,056; score_pool4 512x21 + 21 = 10,773;
    //            upscore16 32x32x21x21 = 451,584                        -> 134,815,994
    //   FCN-8s:  upscore2 7,056; score_pool4 10,773; upscore_pool4 7,056;
    //            score_pool3 256x21 + 21 = 5,397; upscore8 16x16x21x21 = 112,896 -> 134,489,759
    // No batch norm, so DL4J's count is the reference's exactly.

    @Test
    void fcn32sMatchesTheCaffeReference() {
        assertEquals(136_152_917, count(fcn(Architecture.FCN32S)));
    }

    @Test
    void fcn16sMatchesTheCaffeReference() {
        assertEquals(134_815_994, count(fcn(Architecture.FCN16S)));
    }

    @Test
    void fcn8sMatchesTheCaffeReference() {
        assertEquals(134_489_759, count(fcn(Architecture.FCN8S)));
    }

    // ---- SegNet: Badrinarayanan et al., TPAMI 2017, Table 6: SegNet "29.46M" parameters. Layers of the
    // reference alexgkendall/SegNet-Tutorial Models/segnet_train.prototxt (CamVid, 11 classes):
    //   conv weights: encoder (VGG16) 14,710,464 + decoder 14,715,072 (its last conv 3x3x64x11) = 29,425,536
    //   conv biases: 7,936 + 11 (conv1_1_D); BN scale/shift: 2 x 7,936 channels = 15,872
    //   -> Caffe total 29,449,355 (29.45M: the paper's 29.46M rounds slightly differently)
    // segpipe drops the 7,936 biases of convolutions followed by batch norm: trainable 29,441,419.

    @Test
    void segnetMatchesTheCaffeReferenceLessRedundantBiases() {
        ComputationGraphConfiguration conf = Architectures.build(SegmentationSpec.builder(Architecture.SEGNET, 11).build());
        assertEquals(29_449_355 - 7_936, trainable(conf));
        assertEquals(29_441_419 + 2 * 7_936, count(conf), "DL4J's count includes the running mean and variance");
        assertTrue(Math.abs(trainable(conf) - 29.46e6) / 29.46e6 < 0.001, "within 0.1% of the paper's 29.46M");
    }

    // ---- SegNet-Basic: layers of alexgkendall/SegNet-Tutorial Models/segnet_basic_train.prototxt (11 classes):
    //   conv1 7x7x3x64 = 9,408; conv2-4 3 x 7x7x64x64 = 602,112; conv_decode1-4 4 x 200,704 = 802,816;
    //   conv_classifier 64x11 = 704; biases 8 x 64 + 11 = 523; BN scale/shift 8 x 64 x 2 = 1,024
    //   -> Caffe total 1,416,587; less the 512 biases before batch norm: 1,416,075 trainable.
    // (The reference's input LRN layer has no parameters; segpipe normalises in data-prep.)

    @Test
    void segnetBasicMatchesTheCaffeReferenceLessRedundantBiases() {
        ComputationGraphConfiguration conf = Architectures.build(SegmentationSpec.builder(Architecture.SEGNET_BASIC, 11).build());
        assertEquals(1_416_587 - 512, trainable(conf));
    }

    // ---- DeepLab v3: torchvision.models.segmentation.deeplabv3 (DeepLabV3_ResNet50_Weights /
    // DeepLabV3_ResNet101_Weights meta "num_params", 21 classes, output stride 8, aux_loss):
    //   deeplabv3_resnet50 42,004,074; deeplabv3_resnet101 60,996,202.
    // segpipe follows the paper's head, so it leaves out what torchvision adds:
    //   the auxiliary FCNHead(1024): 3x3x1024x256 + BN 512 + 256x21 + 21 = 2,365,205
    //   DeepLabHead's extra 3x3x256x256 convolution + BN: 589,824 + 512 = 590,336
    // (output stride changes dilation, not parameters).

    @Test
    void deeplabV3ResNet50MatchesTorchvisionLessAuxHeadAndExtraConv() {
        ComputationGraphConfiguration conf = Architectures.build(deeplab(Architecture.DEEPLAB_V3, 50));
        assertEquals(42_004_074 - 2_365_205 - 590_336, trainable(conf));
    }

    @Test
    void deeplabV3ResNet101MatchesTorchvisionLessAuxHeadAndExtraConv() {
        ComputationGraphConfiguration conf = Architectures.build(deeplab(Architecture.DEEPLAB_V3, 101));
        assertEquals(60_996_202 - 2_365_205 - 590_336, trainable(conf));
    }

    // ResNet-18 (the CPU configuration): torchvision resnet18 "num_params" 11,689,512 less its fc
    // (512x1000 + 1000) = 11,176,512; ASPP on 512 channels: 1x1 131,072 + 3 x 3x3 1,179,648 each +
    // pooling 1x1 131,072 + projection 1280x256 327,680 + 5+1 BN x 512 = 4,131,840; logits 256x21 + 21.

    @Test
    void deeplabV3ResNet18IsTorchvisionsTrunkPlusThePapersHead() {
        ComputationGraphConfiguration conf = Architectures.build(deeplab(Architecture.DEEPLAB_V3, 18));
        assertEquals(11_176_512 + 4_131_840 + 5_397, trainable(conf));
    }

    // ---- DeepLab v3+: no reference count is published for ResNet; the decoder of the paper (Chen et al.
    // 2018, sections 3.2 and 4.1) adds to v3: low-level 1x1 256->48 + BN = 12,384; two 3x3 convolutions
    // (304->256, 256->256) + BN = 700,928 + 590,336; total 1,303,648.

    @Test
    void deeplabV3PlusIsV3PlusThePapersDecoder() {
        for (int depth : new int[] {50, 101}) {
            long v3 = trainable(Architectures.build(deeplab(Architecture.DEEPLAB_V3, depth)));
            assertEquals(v3 + 1_303_648, trainable(Architectures.build(deeplab(Architecture.DEEPLAB_V3_PLUS, depth))), "ResNet-" + depth);
        }
    }

    // ---- DeepLab v1 LargeFOV: Chen et al., ICLR 2015, Table 2: DeepLab-LargeFOV "20.5M" parameters. Layers of
    // the authors' Caffe model (DeepLab-LargeFOV train.prototxt, 21 PASCAL classes, no batch norm, every
    // convolution with bias; pooling and atrous rates have no parameters):
    //   VGG16 13 convs 14,714,688 (as FCN above); fc6 3x3x512x1024 + 1024 = 4,719,616 (VGG's 7x7x4096 fc6
    //   subsampled to 3x3 and 1024 channels, applied at rate 12); fc7 1024x1024 + 1024 = 1,049,600;
    //   fc8 1024x21 + 21 = 21,525                                          -> 20,505,429
    // No batch norm, so DL4J's count is the reference's exactly.

    @Test
    void deeplabV1LargeFovMatchesTheCaffeReference() {
        ComputationGraphConfiguration conf = Architectures.build(SegmentationSpec.builder(Architecture.DEEPLAB_V1, 21)
                .batchNorm(false).build());
        assertEquals(20_505_429, count(conf));
        assertTrue(Math.abs(count(conf) - 20.5e6) / 20.5e6 < 0.001, "the paper's 20.5M");
    }

    // ---- DeepLab v2: Chen et al., TPAMI 2018, ResNet-101 with ASPP-L (section 3.3, Fig. 4), 21 classes:
    //   ResNet-101 trunk: torchvision resnet101 "num_params" 44,549,160 less its fc (2048x1000 + 1000)
    //   = 42,500,160 (the layer shapes of the MSRA ResNet-101 the paper's Caffe model is built on: only the
    //   place of the stride differs, not the parameters);
    //   ASPP-L: four 3x3 convolutions 2048 -> 21 with bias, 4 x (3x3x2048x21 + 21) = 1,548,372
    //                                                                      -> 44,048,532
    // Multi-scale inputs share the body's weights: the same parameters, not three sets.

    @Test
    void deeplabV2ResNet101IsTorchvisionsTrunkPlusAsppL() {
        ComputationGraphConfiguration conf = Architectures.build(SegmentationSpec.builder(Architecture.DEEPLAB_V2, 21).build());
        assertEquals(42_500_160 + 1_548_372, trainable(conf));
    }

    @Test
    void deeplabV2MultiScaleInputsShareOneSetOfWeights() {
        SegmentationSpec single = SegmentationSpec.builder(Architecture.DEEPLAB_V2, 21).build();
        ComputationGraphConfiguration msc = Architectures.build(single.toBuilder().multiScaleInputs(true).build());
        assertEquals(count(Architectures.build(single)), count(msc));
    }

    // ---- DeepLab v3 Multi-Grid (Chen et al. 2017, section 3.2) changes atrous rates, not parameters.

    @Test
    void multiGridHasTheParametersOfDeepLabV3() {
        SegmentationSpec v3 = deeplab(Architecture.DEEPLAB_V3, 101);
        long withMultiGrid = trainable(Architectures.build(v3.toBuilder().multiGrid(true).build()));
        assertEquals(60_996_202 - 2_365_205 - 590_336, withMultiGrid);
    }

    // ---- DeepLab v3+ on aligned Xception-65 (Chen et al., ECCV 2018), counted by hand from the TensorFlow
    // reference definition (tensorflow/models research/deeplab: core/xception.py xception_65; model.py's ASPP
    // and decoder with separable convolutions), 21 classes. Convolutions have no bias; batch norm has gamma
    // and beta (2 per channel); a separable convolution c -> d is depthwise 3x3 9c + BN 2c, pointwise c·d + BN 2d.
    //   stem: 3x3x3x32 + 64, 3x3x32x64 + 128                                                  19,488
    //   entry 1: separable 64->128, 128->128, 128->128; shortcut 1x1 64x128 + 256             53,696
    //   entry 2: separable 128->256, 256->256 x2; shortcut 128x256 + 512                     205,696
    //   entry 3: separable 256->728, 728->728 x2; shortcut 256x728 + 1,456                 1,457,360
    //   middle: 16 modules x 3 separable 728->728 (539,448 each)                         25,893,504
    //   exit 1: separable 728->728, 728->1024, 1024->1024; shortcut 728x1024 + 2,048      3,104,384
    //   exit 2: separable 1024->1536, 1536->1536, 1536->2048                              7,133,184
    //   backbone                                                                         37,867,312
    //   ASPP: 1x1 2048x256 + 512; separable 2048->256 (547,328) at three rates; image pooling
    //         1x1 2048x256 + 512; projection 1280x256 + 512                                3,019,776
    //   decoder: 1x1 256x48 + 96; separable 304->256 (81,680) and 256->256 (68,864)          162,928
    //   logits 256x21 + 21                                                                    5,397
    //                                                                                    41,055,413
    // DeepLab v3 on Xception-65 has no decoder: 37,867,312 + 3,019,776 + 5,397 = 40,892,485.

    @Test
    void deeplabV3PlusXception65MatchesTheTensorFlowDefinition() {
        ComputationGraphConfiguration conf = Architectures.build(xception(Architecture.DEEPLAB_V3_PLUS));
        assertEquals(41_055_413, trainable(conf));
    }

    @Test
    void deeplabV3Xception65IsTheBackboneAndSeparableAspp() {
        assertEquals(40_892_485, trainable(Architectures.build(xception(Architecture.DEEPLAB_V3))));
    }

    // ---- Separable ASPP and decoder on ResNet (the same section 3.2 option): each 3x3 convolution c -> 256 with
    // batch norm (9·c·256 + 512) becomes a separable one (9c + 2c + c·256 + 512):
    //   ASPP on 2048 channels: 3 x (4,719,104 - 547,328) = 12,515,328 fewer;
    //   decoder: (700,928 - 81,680) + (590,336 - 68,864) = 1,140,720 fewer.

    @Test
    void separableAsppAndDecoderOnResNetSaveWhatTheArithmeticSays() {
        SegmentationSpec plain = deeplab(Architecture.DEEPLAB_V3_PLUS, 50);
        long separable = trainable(Architectures.build(plain.toBuilder().separableConvolutions(true).build()));
        assertEquals(trainable(Architectures.build(plain)) - 12_515_328 - 1_140_720, separable);
    }

    // ---- FC-DenseNet: Jégou et al., CVPR Workshops 2017, Tables 2 and 3: FC-DenseNet56 "1.5M", FC-DenseNet67
    // "3.5M", FC-DenseNet103 "9.4M" parameters (CamVid, 11 classes). Counted from the layers of the authors'
    // Lasagne reference (SimJeg/FC-DenseNet), every convolution with bias, batch norm gamma and beta, input
    // channels c = 3, first convolution m = 48, growth rate k, K = 11 classes:
    //   first conv 9·3·48 + 48; a dense layer on n channels 2n + 9·n·k + k (then n += k);
    //   transition down on n channels 2n + n·n + n; transition up of a block of l layers 9·(l·k)² + l·k,
    //   whose output l·k channels are concatenated with the skip; final 1x1 n·K + K.
    //   FC-DenseNet56  (4 x 11 blocks, k = 12)                            -> 1,376,795
    //   FC-DenseNet67  (5 x 11 blocks, k = 16)                            -> 3,463,243
    //   FC-DenseNet103 (4, 5, 7, 10, 12, 15, 12, 10, 7, 5, 4; k = 16)      -> 9,322,091
    // 67 and 103 are within 1.1% of the paper's rounded figures. FC-DenseNet56 is 8.2% below its "1.5M": the
    // paper's formula gives 1.38M for its stated configuration and we found no layer that accounts for the
    // rest, so its tolerance is 10% and says so.

    @Test
    void fcDenseNet56MatchesTheLayerCountAndThePaperWithin10Percent() {
        long trainable = trainable(Architectures.build(fcDenseNet(56)));
        assertEquals(1_376_795, trainable);
        assertTrue(Math.abs(trainable - 1.5e6) / 1.5e6 < 0.10, "within 10% of the paper's 1.5M");
    }

    @Test
    void fcDenseNet67MatchesTheLayerCountAndThePaperWithin1Point5Percent() {
        long trainable = trainable(Architectures.build(fcDenseNet(67)));
        assertEquals(3_463_243, trainable);
        assertTrue(Math.abs(trainable - 3.5e6) / 3.5e6 < 0.015, "within 1.5% of the paper's 3.5M");
    }

    @Test
    void fcDenseNet103MatchesTheLayerCountAndThePaperWithin1Point5Percent() {
        long trainable = trainable(Architectures.build(fcDenseNet(103)));
        assertEquals(9_322_091, trainable);
        assertTrue(Math.abs(trainable - 9.4e6) / 9.4e6 < 0.015, "within 1.5% of the paper's 9.4M");
    }

    @Test
    void fcDenseNetDefaultsToFcDenseNet103AndDropoutAddsNoParameters() {
        SegmentationSpec byDefault = SegmentationSpec.builder(Architecture.FC_DENSENET, 11).build();
        assertEquals(103, byDefault.depth());
        assertEquals(9_322_091, trainable(Architectures.build(byDefault.toBuilder().dropout(0.2).build())));
    }

    private static SegmentationSpec fcDenseNet(int depth) {
        return SegmentationSpec.builder(Architecture.FC_DENSENET, 11).depth(depth).build();
    }

    private static SegmentationSpec xception(Architecture a) {
        return SegmentationSpec.builder(a, 21).backbone(Backbone.XCEPTION).outputStride(16).build();
    }

    private static ComputationGraphConfiguration fcn(Architecture a) {
        return Architectures.build(SegmentationSpec.builder(a, 21).batchNorm(false).build());
    }

    private static SegmentationSpec deeplab(Architecture a, int depth) {
        return SegmentationSpec.builder(a, 21).depth(depth).outputStride(8).build();
    }

    /** Parameters of every layer, from the configuration. */
    static long count(ComputationGraphConfiguration conf) {
        long total = 0;
        for (GraphVertex vertex : conf.getVertices().values()) {
            total += vertex.numParams(true);
        }
        return total;
    }

    /** {@link #count} less batch norm's running mean and variance (not trainable; buffers elsewhere). */
    static long trainable(ComputationGraphConfiguration conf) {
        long runningStatistics = 0;
        for (GraphVertex vertex : conf.getVertices().values()) {
            if (vertex instanceof LayerVertex lv) {
                Layer layer = lv.getLayerConf().getLayer();
                if (layer instanceof BatchNormalization bn) {
                    runningStatistics += 2 * bn.getNOut();
                }
                if (layer instanceof DenseBlock block) { // a batch norm per layer of the block
                    for (int i = 0; i < block.getLayers(); i++) {
                        runningStatistics += 2 * block.layerInputChannels(i);
                    }
                }
            }
        }
        return count(conf) - runningStatistics;
    }
}
