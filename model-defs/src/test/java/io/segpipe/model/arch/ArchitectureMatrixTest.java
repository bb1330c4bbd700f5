package io.segpipe.model.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.model.io.ModelFile;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * The same tests for every architecture and every option that changes a graph, on the tiny specs of
 * {@link TinySpecs#variants()}: builds for 2 and 12 classes, output size equals input size at
 * several sizes, training lowers the loss, and the DL4J JSON, ModelSerializer and spec JSON round
 * trips are exact.
 */
class ArchitectureMatrixTest {
    @BeforeAll
    static void backend() {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(TinySpecs.THREADS);
    }

    static List<TinySpecs.Variant> variants() {
        return TinySpecs.variants();
    }

    @Test
    void everyArchitectureIsInTheMatrix() {
        assertEquals(EnumSet.allOf(Architecture.class),
                variants().stream().map(TinySpecs.Variant::architecture).collect(Collectors.toCollection(() -> EnumSet.noneOf(Architecture.class))));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void buildsForTwoAndTwelveClassesWithADistributionPerPixel(TinySpecs.Variant variant) {
        for (int numClasses : new int[] {2, 12}) {
            SegmentationSpec spec = variant.spec(numClasses);
            ComputationGraph net = Architectures.create(spec);
            int[] size = TinySpecs.nativeSizes(spec)[0];
            INDArray out = net.outputSingle(Synthetic.images(spec, 2, size[0], size[1], 1));
            assertArrayEquals(new long[] {2, numClasses, size[0], size[1]}, out.shape(), variant + " K=" + numClasses);
            assertTrue(out.minNumber().doubleValue() >= 0, "probabilities are >= 0");
            assertTrue(out.sum(1).sub(1).amaxNumber().doubleValue() < 1e-4, "probabilities sum to 1 over classes");
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void outputHasTheInputSizeAtSeveralSizes(TinySpecs.Variant variant) {
        SegmentationSpec spec = variant.spec(3);
        ComputationGraph net = Architectures.create(spec);
        for (int[] size : TinySpecs.nativeSizes(spec)) {
            INDArray out = net.outputSingle(Synthetic.images(spec, 1, size[0], size[1], 2));
            assertArrayEquals(new long[] {1, 3, size[0], size[1]}, out.shape(),
                    variant + " at " + size[0] + "x" + size[1]);
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void trainingStepsOnOneBatchLowerTheLoss(TinySpecs.Variant variant) {
        SegmentationSpec spec = variant.spec(3);
        ComputationGraph net = Architectures.create(spec);
        int[] size = TinySpecs.nativeSizes(spec)[0];
        DataSet batch = Synthetic.batch(spec, 2, size[0], size[1], 3);
        double before = net.score(batch, true);
        for (int step = 0; step < 3; step++) {
            net.fit(batch);
        }
        double after = net.score(batch, true);
        assertTrue(Double.isFinite(before) && Double.isFinite(after), "finite loss: " + before + " -> " + after);
        assertTrue(after < before, variant + ": loss must fall, " + before + " -> " + after);
    }

    @ParameterizedTest
    @MethodSource("variants")
    void dl4jJsonRoundTripGivesIdenticalOutputs(TinySpecs.Variant variant) {
        SegmentationSpec spec = variant.spec(3);
        ComputationGraph net = Architectures.create(spec);
        String json = net.getConfiguration().toJson();
        ComputationGraphConfiguration restoredConf = ComputationGraphConfiguration.fromJson(json);
        assertEquals(json, restoredConf.toJson());
        ComputationGraph restored = new ComputationGraph(restoredConf);
        restored.init(net.params().dup(), false);
        assertSameOutputs(spec, net, restored);
    }

    @ParameterizedTest
    @MethodSource("variants")
    void modelFileRoundTripGivesIdenticalOutputs(TinySpecs.Variant variant) throws IOException {
        SegmentationSpec spec = variant.spec(3);
        ComputationGraph net = Architectures.create(spec);
        int[] size = TinySpecs.nativeSizes(spec)[0];
        net.fit(Synthetic.batch(spec, 2, size[0], size[1], 4)); // non-trivial BN statistics and updater state
        ComputationGraph restored = ModelFile.read(ModelFile.write(net, true), true, "round trip");
        assertEquals(net.params(), restored.params());
        assertEquals(net.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray());
        assertSameOutputs(spec, net, restored);
    }

    @ParameterizedTest
    @MethodSource("variants")
    void specJsonRoundTripIsExact(TinySpecs.Variant variant) {
        SegmentationSpec spec = variant.builder(12)
                .loss(new SegmentationSpec.LossSpec(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0.5}, 12, 0.25))
                .dropout(0.1).inputSize(64, 96).build();
        SegmentationSpec restored = SegmentationSpec.fromJson(spec.toJson());
        assertEquals(spec, restored);
        assertEquals(Architectures.build(spec).toJson(), Architectures.build(restored).toJson());
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void badSpecValuesAreRejectedNamingTheField(Architecture architecture) {
        assertMessageNames("numClasses", () -> TinySpecs.builder(architecture, 1).build());
        assertMessageNames("inputChannels", () -> TinySpecs.builder(architecture, 2).inputChannels(2).build());
        assertMessageNames("widthMultiplier", () -> TinySpecs.builder(architecture, 2).widthMultiplier(0).build());
        assertMessageNames("dropout", () -> TinySpecs.builder(architecture, 2).dropout(1).build());
        assertMessageNames("inputHeight", () -> TinySpecs.builder(architecture, 2).inputSize(-1, -1).build());
        assertMessageNames("loss.ignoreLabel", () -> TinySpecs.builder(architecture, 4)
                .loss(new SegmentationSpec.LossSpec(null, 2, 0)).build());
        assertMessageNames("loss.classWeights", () -> TinySpecs.builder(architecture, 4)
                .loss(new SegmentationSpec.LossSpec(new double[] {1, 1}, -1, 0)).build());
        switch (architecture) {
            case UNET -> assertMessageNames("depth", () -> TinySpecs.builder(architecture, 2).depth(7).build());
            case DEEPLAB_V3, DEEPLAB_V3_PLUS -> {
                assertMessageNames("depth", () -> TinySpecs.builder(architecture, 2).depth(20).build());
                assertMessageNames("outputStride", () -> TinySpecs.builder(architecture, 2).outputStride(32).build());
            }
            case DEEPLAB_V1 -> {
                assertMessageNames("outputStride", () -> TinySpecs.builder(architecture, 2).outputStride(16).build());
                assertMessageNames("padding",
                        () -> TinySpecs.builder(architecture, 2).padding(io.segpipe.model.spec.Padding.VALID).build());
            }
            case FC_DENSENET -> {
                assertMessageNames("depth", () -> TinySpecs.builder(architecture, 2).depth(50).build());
                assertMessageNames("padding",
                        () -> TinySpecs.builder(architecture, 2).padding(io.segpipe.model.spec.Padding.VALID).build());
            }
            case DEEPLAB_V2 -> {
                assertMessageNames("depth", () -> TinySpecs.builder(architecture, 2).depth(65).build());
                assertMessageNames("outputStride", () -> TinySpecs.builder(architecture, 2).outputStride(16).build());
            }
            default -> assertMessageNames("padding",
                    () -> TinySpecs.builder(architecture, 2).padding(io.segpipe.model.spec.Padding.VALID).build());
        }
    }

    private static void assertMessageNames(String field, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().startsWith(field + " "), "message should name " + field + ": " + e.getMessage());
    }

    private static void assertSameOutputs(SegmentationSpec spec, ComputationGraph expected, ComputationGraph actual) {
        for (int[] size : TinySpecs.nativeSizes(spec)) {
            INDArray images = Synthetic.images(spec, 2, size[0], size[1], 5);
            assertEquals(expected.outputSingle(images), actual.outputSingle(images), spec.architecture() + " " + size[0] + "x" + size[1]);
        }
    }
}
