package io.segpipe.model.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

class UNetTest {
    @BeforeAll
    static void backend() {
        Nd4jBackend.init();
    }

    @Test
    void referenceNetworkOfStackMdHasItsParameterCount() {
        // ../shared/STACK.md: "U-Net (4 levels, 32 base filters, 7,760,196 parameters)", 3 input
        // channels, no batch norm; 7,760,196 = 7,760,130 for 2 classes + 2 x 33 for 4 classes.
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.UNET, 4)
                .widthMultiplier(0.5).batchNorm(false).build();
        ComputationGraph net = new ComputationGraph(UNet.build(spec));
        net.init();
        assertEquals(7_760_196, net.numParams());
    }

    @Test
    void outputHasInputSizeAndIsADistribution() {
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.UNET, 3).widthMultiplier(0.125).depth(3).build();
        ComputationGraph net = new ComputationGraph(UNet.build(spec));
        net.init();
        INDArray out = net.outputSingle(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 48));
        assertArrayEquals(new long[] {2, 3, 32, 48}, out.shape());
        assertTrue(out.sum(1).sub(1).amaxNumber().doubleValue() < 1e-5);
    }
}
