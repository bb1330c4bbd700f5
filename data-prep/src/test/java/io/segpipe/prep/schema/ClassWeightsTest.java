package io.segpipe.prep.schema;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClassWeightsTest {

    @Test
    void inverseAndMedianFrequencyByHand() {
        // Class 0: 300 px in images totalling 400 px; class 1: 100 px in the same 400; class 2: 0 px.
        SplitStats s = SplitStats.of(2, 500, 100, new long[]{300, 100, 0}, new long[]{400, 400, 0});
        ClassWeights w = ClassWeights.compute("train", s);
        // n=400 labelled, k=2 present: 400/(2*300), 400/(2*100), absent -> 0.
        assertEquals(List.of(400.0 / 600, 2.0, 0.0), w.inverseFrequency());
        // f = 0.75, 0.25; median 0.5 -> 0.5/0.75, 0.5/0.25.
        assertEquals(0.5 / 0.75, w.medianFrequency().get(0), 1e-12);
        assertEquals(2.0, w.medianFrequency().get(1), 1e-12);
        assertEquals(0.0, w.medianFrequency().get(2));
        assertEquals("train", w.basis());
    }
}
