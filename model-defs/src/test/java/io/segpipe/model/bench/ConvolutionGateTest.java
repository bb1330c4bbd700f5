package io.segpipe.model.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.segpipe.model.backend.Nd4jBackend;

/**
 * The convolution gate compares the same computation: oneDNN called directly with NHWC activations
 * gives the current path's output and gradients (small shapes, fast).
 */
class ConvolutionGateTest {

    @BeforeAll
    static void backend() {
        Nd4jBackend.init();
    }

    @Test
    void directOneDnnMatchesTheCurrentPathOutputAndGradients() {
        // 16->32 channels: the blocked weight layouts oneDNN picks for real widths; odd sizes and batch 3
        ConvolutionGate.Case shape = new ConvolutionGate.Case(3, 16, 32, 9, 11);
        Libnd4jConvolution current = new Libnd4jConvolution(shape);
        try (OneDnnConvolution direct = new OneDnnConvolution(shape)) {
            ConvolutionGate.fillSame(direct, current, 5);
            ConvolutionGate.Errors errors = ConvolutionGate.crossCheck(direct, current);
            assertTrue(errors.max() < ConvolutionGate.MAX_RELATIVE_ERROR, errors.toString());
            // a second step on the same inputs gives the same results (nothing accumulates)
            ConvolutionGate.Errors again = ConvolutionGate.crossCheck(direct, current);
            assertTrue(again.max() < ConvolutionGate.MAX_RELATIVE_ERROR, again.toString());
            assertTrue(current.diffWeights().norm2Number().doubleValue() > 0, "zero weight gradient");
            assertFalse(direct.implementations().forward().isEmpty());
            // the comparison is with libnd4j's oneDNN, not DL4J's built-in im2col path
            assertInstanceOf(MKLDNNConvHelper.class, ((ConvolutionLayer) current.layer()).getHelper());
        }
    }

    @Test
    void gateRunsEndToEndAndReportsEachCase() {
        ConvolutionGate.Result result = ConvolutionGate.run(new ConvolutionGate.Options(
                List.of(new ConvolutionGate.Case(2, 8, 8, 16, 16)), 1, 2, 64));
        assertEquals(1, result.cases().size());
        ConvolutionGate.CaseResult c = result.cases().get(0);
        assertTrue(c.oneDnnMsPerStep() > 0 && c.libnd4jMsPerStep() > 0, c.toString());
        assertEquals(c.libnd4jMsPerStep() / c.oneDnnMsPerStep(), c.speedup(), 1e-9);
        assertEquals(c.speedup() >= ConvolutionGate.GATE_SPEEDUP, c.passes());
        assertEquals(3 * 2.0 * 2 * 8 * 8 * 9 * 16 * 16 / 1e9, c.gflopPerStep(), 1e-12);
        assertTrue(result.sgemmGflops() > 0);
    }

    @Test
    void optionsNameTheFieldOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConvolutionGate.Options(ConvolutionGate.Options.defaultCases(), 1, 0, 1024));
        assertEquals("steps must be >= 1, found 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConvolutionGate.Case(0, 64, 64, 128, 128));
    }
}
