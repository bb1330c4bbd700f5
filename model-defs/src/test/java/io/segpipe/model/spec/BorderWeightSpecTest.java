package io.segpipe.model.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.segpipe.model.spec.SegmentationSpec.BorderWeight;
import io.segpipe.model.spec.SegmentationSpec.LossSpec;

/** {@code loss.borderWeight}: off by default, JSON round trip, omitted keys, one message naming the option. */
class BorderWeightSpecTest {

    private static SegmentationSpec spec(LossSpec loss) {
        return SegmentationSpec.builder(Architecture.UNET, 2).loss(loss).build();
    }

    @Test
    void offByDefaultAndInSpecsWrittenBeforeTheOption() {
        SegmentationSpec plain = spec(new LossSpec(null, 5, 0));
        assertNull(plain.loss().borderWeight());
        String old = plain.toJson().replace(",\n    \"borderWeight\" : null", "");
        assertEquals(false, old.contains("borderWeight"), old);
        assertEquals(plain, SegmentationSpec.fromJson(old));
    }

    @Test
    void roundTripsThroughJsonAndOmittedKeysTakeThePapersValues() {
        SegmentationSpec spec = spec(new LossSpec(new double[] {1, 2}, 5, 0, new BorderWeight(12, 4.5, 1)));
        assertEquals(spec, SegmentationSpec.fromJson(spec.toJson()));
        String partial = spec(LossSpec.crossEntropy()).toJson().replace("\"borderWeight\" : null", "\"borderWeight\" : { }");
        assertEquals(BorderWeight.PAPER, SegmentationSpec.fromJson(partial).loss().borderWeight());
        assertEquals(new BorderWeight(10, 5, 0), BorderWeight.PAPER);
        SegmentationSpec gaps = spec(LossSpec.crossEntropy().withBorderWeight(new BorderWeight(10, 5, 0, true)));
        assertEquals(gaps, SegmentationSpec.fromJson(gaps.toJson()));
        assertEquals(true, SegmentationSpec.fromJson(gaps.toJson()).loss().borderWeight().backgroundOnly());
    }

    @Test
    void invalidValuesNameTheOption() {
        Map<String, Runnable> cases = Map.of(
                "loss.borderWeight.w0 must be in [0, 1000], found -1.0", () -> new BorderWeight(-1, 5, 0),
                "loss.borderWeight.w0 must be in [0, 1000], found 5000.0", () -> new BorderWeight(5000, 5, 0),
                "loss.borderWeight.sigma must be in (0, 1000] pixels, found 0.0", () -> new BorderWeight(10, 0, 0),
                "loss.borderWeight.sigma must be in (0, 1000] pixels, found NaN", () -> new BorderWeight(10, Double.NaN, 0),
                "loss.borderWeight.backgroundClass must be -1 (none) or a class id, found -2", () -> new BorderWeight(10, 5, -2),
                "loss.borderWeight.backgroundOnly needs a backgroundClass (found -1: every class forms objects)",
                () -> new BorderWeight(10, 5, -1, true),
                "loss.borderWeight.backgroundClass must be -1 (none) or a class id below numClasses=2, found 2",
                () -> spec(LossSpec.crossEntropy().withBorderWeight(new BorderWeight(10, 5, 2))));
        cases.forEach((message, build) -> assertEquals(message,
                assertThrows(IllegalArgumentException.class, build::run).getMessage()));
        String json = spec(LossSpec.crossEntropy()).toJson().replace("\"borderWeight\" : null",
                "\"borderWeight\" : { \"sigma\" : -3 }");
        assertEquals("invalid segmentation spec: loss.borderWeight.sigma must be in (0, 1000] pixels, found -3.0",
                assertThrows(IllegalArgumentException.class, () -> SegmentationSpec.fromJson(json)).getMessage());
    }
}
