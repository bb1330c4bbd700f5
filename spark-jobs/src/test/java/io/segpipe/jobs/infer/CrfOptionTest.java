package io.segpipe.jobs.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.segpipe.jobs.eval.EvalConfig;
import io.segpipe.jobs.model.InferenceDefaults;
import io.segpipe.model.crf.CrfConfig;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.reader.Normalization;

/** {@code inference.crf}: JSON, messages, what it changes in comparisons and warnings. */
class CrfOptionTest {

    private static final CrfConfig TUNED = CrfConfig.builder().w1(5).thetaAlpha(80).thetaBeta(3.5).w2(2).thetaGamma(1)
            .iterations(5).build();

    @Test
    void roundTripsThroughJsonAndIsLeftOutWhenOff() {
        InferenceConfig on = InferenceConfig.builder().slidingWindow(true).tile(64, 96).crf(TUNED).build();
        assertEquals(on, InferenceConfig.fromJson(on.toJson()));
        assertTrue(on.toJson().contains("\"thetaBeta\" : 3.5"), on.toJson());
        assertFalse(InferenceConfig.DEFAULT.toJson().contains("crf"), "off leaves the JSON as before the option: "
                + InferenceConfig.DEFAULT.toJson());
        assertNull(InferenceConfig.fromJson("{}").crf());
        assertNull(InferenceConfig.fromJson("{\"crf\": null}").crf());
        // an evaluation configuration carries it, and so does a model's record of its inference
        EvalConfig eval = EvalConfig.builder().model("m").data("d").output("o").inference(on).build();
        assertEquals(eval, EvalConfig.fromJson(eval.toJson()));
        InferenceDefaults recorded = new InferenceDefaults(Normalization.UNIT, 1.0, on);
        assertEquals(recorded, InferenceDefaults.fromJson(recorded.toJson()));
    }

    @Test
    void anObjectTakesTheDefaultsForWhatItOmitsAndBooleansAreShorthands() {
        assertEquals(CrfConfig.DEFAULT, InferenceConfig.fromJson("{\"crf\": {}}").crf());
        assertEquals(CrfConfig.DEFAULT.toBuilder().iterations(5).build(),
                InferenceConfig.fromJson("{\"crf\": {\"iterations\": 5}}").crf());
        assertEquals(CrfConfig.DEFAULT, InferenceConfig.fromJson("{\"crf\": true}").crf());
        assertNull(InferenceConfig.fromJson("{\"crf\": false}").crf());
        // DeepLab's values (CrfConfig.DEFAULT)
        assertEquals(new CrfConfig(4, 60, 5, 3, 3, 10), InferenceConfig.fromJson("{\"crf\": {}}").crf());
    }

    @Test
    void aValueOutOfRangeIsNamedWithItsFullKey() {
        assertTrue(message("{\"crf\": {\"iterations\": 0}}")
                .contains("inference.crf.iterations must be in [1, 100], found 0"), message("{\"crf\": {\"iterations\": 0}}"));
        assertTrue(message("{\"crf\": {\"thetaBeta\": -1}}")
                .contains("inference.crf.thetaBeta must be finite and > 0, found -1.0"));
        assertTrue(message("{\"crf\": {\"w1\": -0.5}}").contains("inference.crf.w1 must be finite and >= 0, found -0.5"));
        assertTrue(message("{\"crf\": 3}").contains("inference.crf must be an object of CRF parameters (w1, thetaAlpha, "
                + "thetaBeta, w2, thetaGamma, iterations; {} for the defaults), true (the defaults), false or null (off), "
                + "found 3"), message("{\"crf\": 3}"));
        assertTrue(message("{\"crf\": {\"theta\": 3}}").contains("theta"), message("{\"crf\": {\"theta\": 3}}"));
    }

    private static String message(String json) {
        return assertThrows(IllegalArgumentException.class, () -> InferenceConfig.fromJson(json)).getMessage();
    }

    @Test
    void theCrfChangesPredictionsButNotTheNetworksInput() {
        InferenceConfig plain = InferenceConfig.builder().batchSize(2).build();
        InferenceConfig crf = InferenceConfig.builder().batchSize(8).crf(CrfConfig.DEFAULT).build();
        assertFalse(crf.predictsLike(plain));
        assertFalse(plain.predictsLike(crf));
        assertFalse(crf.predictsLike(crf.toBuilder().crf(TUNED).build()), "other parameters, other labels");
        assertTrue(crf.predictsLike(crf.toBuilder().batchSize(1).build()));
        assertTrue(crf.networkRunsLike(plain));
        assertFalse(crf.networkRunsLike(plain.toBuilder().flip(true).build()));
        assertEquals("whole image, batch 8, dense CRF (w1 4, thetaAlpha 60, thetaBeta 5, w2 3, thetaGamma 3, "
                + "10 iterations)", crf.describe());
        assertEquals("whole image, batch 2", plain.describe());
    }

    @Test
    void turningTheCrfOnOverAModelRecordedWithoutItIsAppliedWithoutAWarning() {
        SegmentationSpec rgb = SegmentationSpec.builder(Architecture.UNET, 4).depth(2).build();
        InferenceDefaults recorded = new InferenceDefaults(Normalization.UNIT, 1.0,
                InferenceConfig.builder().batchSize(2).build());
        InferenceConfig configured = InferenceConfig.builder().crf(TUNED).build();
        InputSettings s = InputSettings.resolve(null, null, configured, Optional.of(recorded), rgb, "file:/m");
        assertEquals(TUNED, s.inference().crf());
        assertEquals(InputSettings.Source.CONFIGURATION, s.sources().get(InputSettings.INFERENCE));
        assertEquals(List.of(), s.warnings());
        assertTrue(s.describeSources("file:/m").get(InputSettings.INFERENCE).contains("dense CRF (w1 5, thetaAlpha 80, "
                + "thetaBeta 3.5, w2 2, thetaGamma 1, 5 iterations)"));
        // a change of the network's side along with it is still warned about
        InputSettings flipped = InputSettings.resolve(null, null, configured.toBuilder().flip(true).build(),
                Optional.of(recorded), rgb, "file:/m");
        assertEquals(1, flipped.warnings().size(), flipped.warnings().toString());
        // a model whose record has no CRF (every model training writes) is applied without it
        assertNull(InputSettings.resolve(null, null, null, Optional.of(recorded), rgb, "file:/m").inference().crf());
    }
}
