package io.segpipe.model.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.ContextModule;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * Yu and Koltun's context module as a head ({@link ContextAggregation}): identity initialisation,
 * gradients, the spec option's defaults and its errors.
 */
class ContextModuleTest {
    private static final int K = 4;

    @BeforeAll
    static void backend() {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(TinySpecs.THREADS);
    }

    /** A tiny U-Net without the module, and the same spec with {@code module}, sharing the backbone's parameters. */
    private static ComputationGraph[] pair(ContextModule module) {
        SegmentationSpec plain = TinySpecs.of(Architecture.UNET, K);
        ComputationGraph without = Architectures.create(plain);
        ComputationGraph with = Architectures.create(plain.toBuilder().contextModule(module).build());
        for (Map.Entry<String, INDArray> p : without.paramTable().entrySet()) {
            with.setParam(p.getKey(), p.getValue().dup());
        }
        return new ComputationGraph[] {without, with};
    }

    @Test
    void freshBasicModuleOutputsTheBackbonesScoresWhereTheyAreNonNegativeAndZeroElsewhere() {
        ComputationGraph[] nets = pair(ContextModule.BASIC);
        INDArray images = Synthetic.images(TinySpecs.of(Architecture.UNET, K), 2, 16, 24, 11);
        INDArray scores = nets[0].feedForward(images, false).get("scores");
        INDArray module = nets[1].feedForward(images, false).get("context8");
        assertTrue(scores.minNumber().doubleValue() < 0 && scores.maxNumber().doubleValue() > 0,
                "the backbone's scores have both signs, so the comparison covers both");
        assertEquals(0, Transforms.relu(scores, true).sub(module).amaxNumber().doubleValue(), 1e-6,
                "the paper's truncation after the first layer zeroes negative scores; the rest passes exactly");
    }

    @Test
    void freshBasicModuleLeavesTheNetworksOutputUnchangedOnNonNegativeScores() {
        ComputationGraph[] nets = pair(ContextModule.BASIC);
        for (ComputationGraph net : nets) {
            net.getParam("scores_b").addi(100); // every score positive, in both networks alike
        }
        INDArray images = Synthetic.images(TinySpecs.of(Architecture.UNET, K), 2, 16, 24, 12);
        assertTrue(nets[0].feedForward(images, false).get("scores").minNumber().doubleValue() > 0);
        INDArray without = nets[0].outputSingle(images);
        INDArray with = nets[1].outputSingle(images);
        assertEquals(0, without.sub(with).amaxNumber().doubleValue(), 1e-6);
    }

    @Test
    void freshLargeModuleIsTheIdentityUpToItsSmallNoise() {
        ComputationGraph[] nets = pair(ContextModule.LARGE);
        INDArray images = Synthetic.images(TinySpecs.of(Architecture.UNET, K), 2, 16, 24, 13);
        INDArray expected = Transforms.relu(nets[0].feedForward(images, false).get("scores"), true);
        INDArray module = nets[1].feedForward(images, false).get("context8");
        double error = expected.sub(module).amaxNumber().doubleValue();
        double scale = expected.amaxNumber().doubleValue();
        assertTrue(error > 0, "the large module's init has noise");
        assertTrue(error < 0.05 * scale, "within 5% of the largest score: " + error + " vs " + scale);
    }

    @Test
    void largeModuleHasThePapersWidthsAndTheGeneralisedIdentityOnItsCentreTaps() {
        SegmentationSpec spec = TinySpecs.builder(Architecture.UNET, K).contextModule(ContextModule.LARGE).build();
        ComputationGraph net = Architectures.create(spec);
        long[] widths = {2, 2, 4, 8, 16, 32, 32, 1};
        long in = K;
        for (int layer = 1; layer <= 8; layer++) {
            INDArray w = net.getParam("context" + layer + "_W");
            long out = widths[layer - 1] * K;
            assertEquals(out, w.size(0), "context" + layer + " c_out");
            assertEquals(in, w.size(1), "context" + layer + " c_in");
            int centre = (int) w.size(2) / 2;
            for (long b = 0; b < out; b++) {
                for (long a = 0; a < in; a++) {
                    double expected = a * K / in == b * K / out ? (double) K / out : 0;
                    assertEquals(expected, w.getDouble(b, a, centre, centre), 0.01, "context" + layer + " [" + b + ", " + a + "]");
                }
            }
            in = out;
        }
    }

    @Test
    void gradientsReachEveryLayerOfTheModuleAndTheBackboneBelowIt() {
        SegmentationSpec spec = TinySpecs.builder(Architecture.UNET, K).contextModule(ContextModule.BASIC).build();
        ComputationGraph net = Architectures.create(spec);
        DataSet batch = Synthetic.batch(spec, 2, 16, 24, 14);
        net.setInputs(batch.getFeatures());
        net.setLabels(batch.getLabels());
        net.computeGradientAndScore();
        Gradient gradient = net.gradient();
        for (int layer = 1; layer <= 8; layer++) {
            for (String param : new String[] {"_W", "_b"}) {
                INDArray g = gradient.getGradientFor("context" + layer + param);
                assertTrue(g != null && g.norm2Number().doubleValue() > 0, "context" + layer + param + " gets a gradient");
            }
        }
        assertTrue(gradient.getGradientFor("scores_W").norm2Number().doubleValue() > 0, "the backbone's scores get a gradient");
    }

    @Test
    void noneIsTheDefaultAddsNothingAndASpecWrittenWithoutTheOptionReadsAsNone() throws Exception {
        SegmentationSpec spec = TinySpecs.of(Architecture.UNET, K);
        assertEquals(ContextModule.NONE, spec.contextModule());
        ComputationGraphConfiguration conf = Architectures.build(spec);
        assertFalse(conf.getVertices().keySet().stream().anyMatch(v -> v.startsWith("context")), conf.getVertices().keySet().toString());
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode old = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(spec.toJson());
        assertTrue(old.has("contextModule"));
        old.remove("contextModule"); // a spec saved before the option existed
        SegmentationSpec read = SegmentationSpec.fromJson(mapper.writeValueAsString(old));
        assertEquals(spec, read);
        assertEquals(conf.toJson(), Architectures.build(read).toJson());
        SegmentationSpec large = spec.toBuilder().contextModule(ContextModule.LARGE).build();
        assertEquals(large, SegmentationSpec.fromJson(large.toJson()));
    }

    @Test
    void badValuesAreRejectedWithOneMessageNamingTheOption() {
        String json = TinySpecs.of(Architecture.UNET, K).toJson();
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> SegmentationSpec.fromJson(json.replace("\"contextModule\" : \"NONE\"", "\"contextModule\" : \"HUGE\"")));
        assertEquals("contextModule must be one of [NONE, BASIC, LARGE], found HUGE", unknown.getMessage());
        NullPointerException missing = assertThrows(NullPointerException.class, // as every unset required field
                () -> TinySpecs.builder(Architecture.UNET, K).contextModule(null).build());
        assertEquals("contextModule must be set (NONE for no context module)", missing.getMessage());
        IllegalArgumentException multiScale = assertThrows(IllegalArgumentException.class,
                () -> TinySpecs.builder(Architecture.DEEPLAB_V2, K).multiScaleInputs(true).contextModule(ContextModule.BASIC).build());
        assertEquals("contextModule must be NONE with multiScaleInputs (the multi-scale loss fuses the scales' scores; "
                + "the module has no place there), found BASIC", multiScale.getMessage());
    }
}
