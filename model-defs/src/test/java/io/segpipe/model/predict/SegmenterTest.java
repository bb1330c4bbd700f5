package io.segpipe.model.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.Pad;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import io.segpipe.model.arch.Synthetic;
import io.segpipe.model.arch.TinySpecs;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

class SegmenterTest {
    @BeforeAll
    static void backend() {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(TinySpecs.THREADS);
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void probabilitiesAndLabelsHaveTheInputSizeAtAnySize(Architecture architecture) {
        SegmentationSpec spec = TinySpecs.of(architecture, 4);
        Segmenter segmenter = Segmenter.create(spec);
        for (int[] size : new int[][] {{37, 53}, {21, 18}}) {
            Segmenter.Prediction p = segmenter.predict(Synthetic.images(spec, 2, size[0], size[1], 11));
            assertArrayEquals(new long[] {2, 4, size[0], size[1]}, p.probabilities().shape());
            assertArrayEquals(new long[] {2, size[0], size[1]}, p.labels().shape());
            assertEquals(DataType.INT, p.labels().dataType());
            assertTrue(p.probabilities().sum(1).sub(1).amaxNumber().doubleValue() < 1e-4);
            // the label is the most probable class: its probability equals the maximum
            INDArray max = p.probabilities().max(1);
            for (int i = 0; i < size[0]; i += 5) {
                for (int j = 0; j < size[1]; j += 5) {
                    int label = p.labels().getInt(1, i, j);
                    assertEquals(max.getDouble(1, i, j), p.probabilities().getDouble(1, label, i, j), 0.0);
                }
            }
        }
    }

    @Test
    void sizesOffTheArchitecturesMultipleArePaddedByReflectionAndCroppedBack() {
        SegmentationSpec spec = TinySpecs.of(Architecture.UNET, 3); // depth 2: multiples of 4
        Segmenter segmenter = Segmenter.create(spec);
        INDArray images = Synthetic.images(spec, 1, 13, 10, 3);
        INDArray padded = Nd4j.pad(images, new int[][] {{0, 0}, {0, 0}, {0, 3}, {0, 2}}, Pad.Mode.REFLECT, 0);
        INDArray direct = segmenter.network().outputSingle(padded)
                .get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 13), NDArrayIndex.interval(0, 10));
        assertEquals(direct, segmenter.probabilities(images));
        // at a multiple, the segmenter is the network itself
        INDArray native16 = Synthetic.images(spec, 1, 16, 16, 4);
        assertEquals(segmenter.network().outputSingle(native16), segmenter.probabilities(native16));
    }

    @Test
    void wrongChannelsAreRejectedWithTheExpectedShape() {
        Segmenter segmenter = Segmenter.create(TinySpecs.of(Architecture.FCN32S, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> segmenter.predict(Nd4j.zeros(DataType.FLOAT, 1, 1, 8, 8)));
        assertTrue(e.getMessage().contains("[N, 3, H, W]"), e.getMessage());
    }
}
