package io.segpipe.model.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.predict.Segmenter;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

/** FC-DenseNet (Jégou et al. 2017): the paper's up path, its input-size rule and its configurations. */
class FcDenseNetTest {
    @BeforeAll
    static void backend() {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(TinySpecs.THREADS);
    }

    @Test
    void transitionsUpTakeOnlyTheNewFeatureMapsOfTheBlockBelow() {
        // FC-DenseNet103, k = 16: the block below the transition up at level l has layers[10 - l] layers, so the
        // transposed convolution maps 16·layers -> 16·layers channels (not the block's input plus those).
        ComputationGraphConfiguration conf = Architectures.build(SegmentationSpec.builder(Architecture.FC_DENSENET, 11).build());
        int[] below = {5, 7, 10, 12, 15}; // layers of the block below tu0 .. tu4: up1 (5), up2 (7), up3 (10), up4 (12), bottleneck (15)
        for (int level = 0; level < FcDenseNet.POOLING_STEPS; level++) {
            Deconvolution2D up = (Deconvolution2D) ((LayerVertex) conf.getVertices().get("tu" + level)).getLayerConf().getLayer();
            assertEquals(16L * below[level], up.getNIn(), "tu" + level + " nIn");
            assertEquals(16L * below[level], up.getNOut(), "tu" + level + " nOut");
        }
    }

    @Test
    void inputsArePaddedToMultiplesOf32AndTheSegmenterCoversAnyImage() {
        SegmentationSpec spec = TinySpecs.of(Architecture.FC_DENSENET, 3);
        assertEquals(new Architectures.Tiling(0, 24), Architectures.tiling(spec, 360)); // CamVid 360 -> 384
        assertEquals(new Architectures.Tiling(0, 0), Architectures.tiling(spec, 480));
        assertEquals(new Architectures.Tiling(0, 31), Architectures.tiling(spec, 1));
        Segmenter segmenter = new Segmenter(Architectures.create(spec), spec);
        for (int[] size : new int[][] {{30, 27}, {45, 70}}) {
            INDArray probabilities = segmenter.probabilities(Synthetic.images(spec, 1, size[0], size[1], 6));
            assertArrayEquals(new long[] {1, 3, size[0], size[1]}, probabilities.shape());
        }
    }

    @Test
    void aSizeThatIsNotAMultipleOf32FailsInTheNetworkItself() {
        // what the tiling is for: 48 pools to 24, 12, 6, 3, then 2 (rounding up); 2 up-sampled is 4, which cannot join the skip of 3
        ComputationGraph net = Architectures.create(TinySpecs.of(Architecture.FC_DENSENET, 3));
        assertThrows(RuntimeException.class, () -> net.outputSingle(Synthetic.images(TinySpecs.of(Architecture.FC_DENSENET, 3), 1, 48, 48, 1)));
    }

    @Test
    void depthSelectsThePapersConfigurations() {
        assertArrayEquals(new int[] {4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4}, FcDenseNet.layersPerBlock(56));
        assertArrayEquals(new int[] {5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, FcDenseNet.layersPerBlock(67));
        assertArrayEquals(new int[] {4, 5, 7, 10, 12, 15, 12, 10, 7, 5, 4}, FcDenseNet.layersPerBlock(103));
        assertEquals(12, FcDenseNet.growthRate(56));
        assertEquals(16, FcDenseNet.growthRate(67));
        assertEquals(16, FcDenseNet.growthRate(103));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SegmentationSpec.builder(Architecture.FC_DENSENET, 11).depth(100).build());
        assertEquals("depth must be 56, 67 or 103 for FC_DENSENET (FC-DenseNet56, 67, 103), found 100", e.getMessage());
    }
}
