package io.segpipe.model.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.layers.GraphTestSupport;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.DeepSupervision;
import io.segpipe.model.spec.DeepSupervision.Output;
import io.segpipe.model.spec.DeepSupervision.SideOutput;
import io.segpipe.model.spec.Padding;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * Deep supervision (HED side outputs with a learned per-class fusion): the heads add exactly their
 * parameters, every head and the fusion get a gradient and learn, the loss is the weighted sum of
 * every output's, inference returns the configured output, and bad options are named.
 */
class DeepSupervisionTest {
    private static final int CLASSES = 3;

    @BeforeAll
    static void backend() {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(TinySpecs.THREADS);
    }

    private static SegmentationSpec unet(DeepSupervision supervision) {
        return TinySpecs.builder(Architecture.UNET, CLASSES).inputSize(16, 16).deepSupervision(supervision).build();
    }

    @Test
    void theStagesOfEachFamilyAreItsBlocksBeforeTheHead() {
        assertEquals(List.of("down0", "down1", "bottom", "up1", "up0"), stages(TinySpecs.of(Architecture.UNET, CLASSES)));
        assertEquals(List.of("conv1", "pool1", "conv2", "pool2", "conv3", "pool3", "conv4", "pool4", "conv5", "pool5",
                "fc6", "fc7", "score", "upscore2", "fuse"), stages(TinySpecs.of(Architecture.FCN8S, CLASSES)));
        assertEquals(List.of("stem", "layer1", "layer2", "layer3", "layer4", "aspp", "decoder"),
                stages(TinySpecs.of(Architecture.DEEPLAB_V3_PLUS, CLASSES)));
    }

    /** The stages the error message lists, read back from it: the public face of {@link SideOutputs#stages}. */
    private static List<String> stages(SegmentationSpec plain) {
        SegmentationSpec withUnknown = plain.toBuilder().deepSupervision(DeepSupervision.of("no-such-stage")).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Architectures.build(withUnknown));
        String message = e.getMessage();
        assertTrue(message.startsWith("deepSupervision.sides[0].stage: " + plain.architecture()
                + " has no stage 'no-such-stage'; its stages are "), message);
        return List.of(message.substring(message.indexOf("its stages are ") + "its stages are ".length()).split(", "));
    }

    @Test
    void theHeadsAddExactlyTheirParameters() {
        SegmentationSpec plain = TinySpecs.builder(Architecture.UNET, CLASSES).inputSize(16, 16).build();
        SegmentationSpec supervised = unet(DeepSupervision.of("down1", "up1"));
        ComputationGraphConfiguration conf = Architectures.build(plain);
        Map<String, InputType> types = conf.getLayerActivationTypes(InputType.convolutional(16, 16, 3));
        long down1 = ((InputType.InputTypeConvolutional) types.get("down1_pool")).getChannels();
        long up1 = ((InputType.InputTypeConvolutional) types.get("up1_conv2_bn")).getChannels();
        long heads = (down1 * CLASSES + CLASSES) + (up1 * CLASSES + CLASSES); // 1x1 convolutions with bias
        long fusion = 3L * CLASSES; // main and two sides, one weight per class each
        assertEquals(Architectures.create(plain).numParams() + heads + fusion, Architectures.create(supervised).numParams());
    }

    @Test
    void gradientsReachEverySideHeadAndTheFusion() {
        SegmentationSpec spec = unet(DeepSupervision.of("down1", "bottom", "up1"));
        ComputationGraph net = Architectures.create(spec);
        DataSet batch = Synthetic.batch(spec, 2, 16, 16, 3);
        Gradient g = GraphTestSupport.gradient(net, new org.nd4j.linalg.dataset.MultiDataSet(batch.getFeatures(),
                batch.getLabels()));
        for (String param : List.of("side-down1_scores_W", "side-bottom_scores_W", "side-up1_scores_W", "side-fusion_W",
                "scores_W", "down0_conv1_W")) {
            INDArray grad = g.gradientForVariable().get(param);
            assertTrue(grad != null && grad.amaxNumber().doubleValue() > 0, param + " has a gradient");
        }
    }

    @Test
    void gradientsOfTheWeightedHeadsMatchFiniteDifferences() {
        SegmentationSpec spec = TinySpecs.builder(Architecture.UNET, CLASSES).deepSupervision(new DeepSupervision(
                List.of(new SideOutput("a", 0.5), new SideOutput("b", 2)), 1.5, 0.75, Output.FUSED)).build();
        ComputationGraphConfiguration.GraphBuilder g = GraphTestSupport.doubleGraph(3).addInputs(Blocks.INPUT)
                .setInputTypes(InputType.convolutional(6, 8, 2));
        g.addLayer("a_conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.TANH).build(), Blocks.INPUT);
        g.addLayer("a_pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG, new int[] {2, 2}, new int[] {2, 2}).build(),
                "a_conv"); // stage a at half resolution: its side head is resized
        g.addLayer("b_conv", new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.TANH).build(), "a_pool");
        g.addLayer("b_up", new Upsampling2D.Builder(2).build(), "b_conv");
        g.addLayer("scores", new ConvolutionLayer.Builder(1, 1).nOut(CLASSES).activation(Activation.IDENTITY).build(), "b_up");
        SideOutputs.add(g, spec, SideOutputs.stages(g, "scores"), "scores");
        ComputationGraph net = GraphTestSupport.init(g.build());
        Nd4j.getRandom().setSeed(5);
        // one image: with two, a few tiny convolution-weight gradients sit at relative errors of 2e-5 to 4e-5
        // (absolute ~1e-9) against the check's 1e-5, though a central-difference scan of every entry agrees
        INDArray x = Nd4j.rand(DataType.DOUBLE, 1, 2, 6, 8).subi(0.5);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 1, CLASSES, 6, 8);
        for (int n = 0; n < 1; n++) {
            for (int h = 0; h < 6; h++) {
                for (int w = 0; w < 8; w++) {
                    labels.putScalar(new int[] {n, (n + 2 * h + w) % CLASSES, h, w}, 1);
                }
            }
        }
        GraphTestSupport.assertGradientsMatch(net, new INDArray[] {x}, new INDArray[] {labels}, null);
    }

    @Test
    void theFusionWeightsLearnAndTheOutputsDiffer() {
        SegmentationSpec spec = unet(DeepSupervision.of("down1", "up1"));
        ComputationGraph net = Architectures.create(spec);
        INDArray start = net.getParam("side-fusion_W").dup();
        assertEquals(Nd4j.valueArrayOf(new long[] {3, CLASSES}, 1.0 / 3, start.dataType()), start,
                "every output weighs 1/3 at first");
        DataSet batch = Synthetic.batch(spec, 2, 16, 16, 3);
        double before = net.score(batch, true);
        for (int step = 0; step < 5; step++) {
            net.fit(batch);
        }
        assertTrue(net.score(batch, true) < before, "the summed loss falls");
        assertNotEquals(start, net.getParam("side-fusion_W"), "the fusion weights learn");

        ComputationGraph main = new ComputationGraph(Architectures.build(spec.toBuilder().deepSupervision(
                new DeepSupervision(spec.deepSupervision().sides(), 1, 1, Output.MAIN)).build()));
        main.init(net.params().dup(), false);
        INDArray fused = net.outputSingle(batch.getFeatures());
        INDArray mainOut = main.outputSingle(batch.getFeatures());
        assertArrayEquals(fused.shape(), mainOut.shape());
        assertTrue(GraphTestSupport.maxAbsDiff(fused, mainOut) > 1e-4, "FUSED and MAIN return different outputs");
    }

    @Test
    void theLossIsTheWeightedSumOfEveryOutputsLoss() {
        List<SideOutput> sides = List.of(new SideOutput("down1", 0.5), new SideOutput("up1", 2));
        SegmentationSpec weighted = unet(new DeepSupervision(sides, 1.5, 0.25, Output.FUSED));
        DataSet batch = Synthetic.batch(weighted, 2, 16, 16, 5);
        ComputationGraph net = Architectures.create(weighted);
        double total = net.score(batch, false);
        // the same parameters with one output weighted 1 and the others 0 give each output's own loss
        double[] expectedWeights = {0.25, 1.5, 0.5, 2}; // fused, main, down1, up1
        double sum = 0;
        for (int o = 0; o < 4; o++) {
            List<SideOutput> only = List.of(new SideOutput("down1", o == 2 ? 1 : 0), new SideOutput("up1", o == 3 ? 1 : 0));
            ComputationGraph single = new ComputationGraph(Architectures.build(weighted.toBuilder()
                    .deepSupervision(new DeepSupervision(only, o == 1 ? 1 : 0, o == 0 ? 1 : 0, Output.FUSED)).build()));
            single.init(net.params().dup(), false);
            double own = single.score(batch, false);
            assertTrue(own > 0, "output " + o + " has a loss");
            sum += expectedWeights[o] * own;
        }
        assertEquals(sum, total, 1e-4 * Math.abs(sum));
    }

    @Test
    void aSupervisedModelRoundTripsThroughJsonAndAModelFile() {
        SegmentationSpec spec = unet(new DeepSupervision(List.of(new SideOutput("up1", 0.5)), 1, 2, Output.MAIN));
        assertEquals(spec, SegmentationSpec.fromJson(spec.toJson()));
        ComputationGraph net = Architectures.create(spec);
        net.fit(Synthetic.batch(spec, 2, 16, 16, 6));
        GraphTestSupport.assertRoundTrips(net, Synthetic.images(spec, 2, 16, 16, 7));
        assertEquals(spec, SegmentationSpec.fromJson("{\"architecture\":\"UNET\",\"numClasses\":3,\"widthMultiplier\":0.0625,"
                + "\"depth\":2,\"seed\":7,\"inputHeight\":16,\"inputWidth\":16,\"deepSupervision\":{\"sides\":[{\"stage\":\"up1\","
                + "\"weight\":0.5}],\"fusedWeight\":2,\"inference\":\"MAIN\"}}"), "omitted weights are 1");
    }

    @Test
    void badOptionsAreNamed() {
        SegmentationSpec.Builder unet = TinySpecs.builder(Architecture.UNET, CLASSES);
        assertMessage("deepSupervision.sides must name at least one stage",
                () -> new DeepSupervision(List.of(), 1, 1, Output.FUSED));
        assertMessage("deepSupervision.sides names stage 'up1' twice", () -> DeepSupervision.of("up1", "up1"));
        assertMessage("deepSupervision.sides[up1].weight must be in [0, 100], found -1.0",
                () -> new SideOutput("up1", -1));
        assertMessage("deepSupervision.fusedWeight must be in [0, 100], found 101.0",
                () -> new DeepSupervision(List.of(new SideOutput("up1", 1)), 1, 101, Output.FUSED));
        assertMessage("deepSupervision must be omitted with multiScaleInputs", () -> TinySpecs.builder(Architecture.DEEPLAB_V2,
                CLASSES).multiScaleInputs(true).deepSupervision(DeepSupervision.of("layer1")).build());
        assertMessage("deepSupervision needs padding SAME on UNET",
                () -> unet.padding(Padding.VALID).deepSupervision(DeepSupervision.of("up1")).build());
        assertMessage("deepSupervision.sides[1].stage: SEGNET_BASIC has no stage 'up1'; its stages are conv1, pool1,",
                () -> Architectures.build(TinySpecs.builder(Architecture.SEGNET_BASIC, CLASSES)
                        .deepSupervision(DeepSupervision.of("pool2", "up1")).build()));
    }

    private static void assertMessage(String expectedStart, org.junit.jupiter.api.function.Executable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }
}
