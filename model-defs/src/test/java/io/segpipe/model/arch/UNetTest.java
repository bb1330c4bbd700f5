package io.segpipe.model.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.predict.Segmenter;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.Padding;
import io.segpipe.model.spec.SegmentationSpec;

class UNetTest {
    @BeforeAll
    static void backend() {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(TinySpecs.THREADS);
    }

    @Test
    void referenceNetworkOfTheBackendBenchmarkHasItsParameterCount() {
        // BackendBenchmark's U-Net: 4 levels, 32 base filters, 3 input channels, no batch norm,
        // 4 classes; 7,760,196 = 7,760,130 for 2 classes + 2 x 33 for 4 classes.
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

    @Test
    void validPaddingReproducesThePapersGeometry() {
        // Ronneberger et al. 2015, Fig. 1: a 572x572 input tile gives a 388x388 output map.
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.UNET, 2).padding(Padding.VALID)
                .widthMultiplier(1.0 / 64).inputSize(572, 572).build();
        ComputationGraph net = Architectures.create(spec);
        assertArrayEquals(new long[] {1, 2, 388, 388}, net.outputSingle(Nd4j.rand(DataType.FLOAT, 1, 3, 572, 572)).shape());
        assertEquals(388, UNet.validOutputSize(572, 4));
        assertEquals(572, UNet.validInputSize(388, 4));
        assertEquals(572, UNet.validInputSize(387, 4));
        assertEquals(-1, UNet.validOutputSize(570, 4));
        // padding has no parameters: the same count as with same padding
        SegmentationSpec reference = SegmentationSpec.builder(Architecture.UNET, 4).widthMultiplier(0.5).batchNorm(false)
                .padding(Padding.VALID).build();
        assertEquals(7_760_196, ParameterCountTest.count(UNet.build(reference)));
    }

    @Test
    void validPaddingRejectsASizeThatDoesNotPoolEvenly() {
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.UNET, 2).padding(Padding.VALID).inputSize(570, 572).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UNet.build(spec));
        assertTrue(e.getMessage().startsWith("inputHeight must pool evenly"), e.getMessage());
        assertTrue(e.getMessage().contains("nearest valid: 556 or 572"), e.getMessage());
    }

    @Test
    void validPaddingTrainsOnCentreCroppedLabelsAndTheSegmenterCoversAnyImage() {
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.UNET, 3).padding(Padding.VALID)
                .widthMultiplier(1.0 / 16).depth(2).seed(3).build();
        ComputationGraph net = Architectures.create(spec);
        int input = UNet.validInputSize(20, 2); // 60 -> 20 at depth 2 (shrink 40)
        assertEquals(60, input);
        DataSet full = Synthetic.batch(spec, 2, input, input, 5);
        int margin = UNet.validShrink(2) / 2;
        INDArray labels = full.getLabels().get(NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(margin, margin + 20), NDArrayIndex.interval(margin, margin + 20)).dup();
        DataSet batch = new DataSet(full.getFeatures(), labels);
        double before = net.score(batch, true);
        for (int step = 0; step < 3; step++) {
            net.fit(batch);
        }
        assertTrue(net.score(batch, true) < before);
        Segmenter segmenter = new Segmenter(net, spec);
        for (int[] size : new int[][] {{30, 27}, {7, 45}}) {
            INDArray probabilities = segmenter.probabilities(Synthetic.images(spec, 1, size[0], size[1], 6));
            assertArrayEquals(new long[] {1, 3, size[0], size[1]}, probabilities.shape());
        }
    }
}
