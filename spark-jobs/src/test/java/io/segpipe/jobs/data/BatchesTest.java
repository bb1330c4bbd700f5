package io.segpipe.jobs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.reader.TensorSample;

class BatchesTest {
    private static final SegmentationSpec SPEC = SegmentationSpec.builder(Architecture.UNET, 4)
            .loss(new SegmentationSpec.LossSpec(null, 11, 0)).build();

    @BeforeAll
    static void init() {
        Nd4jBackend.init();
    }

    static TensorSample sample(String id, int h, int w, int labelValue) {
        float[] image = new float[3 * h * w];
        for (int i = 0; i < image.length; i++) {
            image[i] = i;
        }
        int[] label = new int[h * w];
        java.util.Arrays.fill(label, labelValue);
        label[0] = 11;
        return new TensorSample(id, "train", 3, h, w, image, label);
    }

    @Test
    void featuresAreNchwAndLabelsOneHotWithIgnoredRowsZero() {
        MultiDataSet ds = Batches.trainingBatches(List.of(sample("a", 4, 5, 2), sample("b", 4, 5, 3)).iterator(), 2, SPEC)
                .next();
        assertArrayEquals(new long[] {2, 3, 4, 5}, ds.getFeatures(0).shape());
        assertArrayEquals(new long[] {2, 4, 4, 5}, ds.getLabels(0).shape());
        assertEquals(1 * 20 + 2 * 5 + 3, ds.getFeatures(0).getFloat(1, 1, 2, 3), 0f);
        assertEquals(1f, ds.getLabels(0).getFloat(0, 2, 1, 1), 0f);
        assertEquals(1f, ds.getLabels(0).getFloat(1, 3, 3, 4), 0f);
        assertEquals(0f, ds.getLabels(0).get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.point(0)).sumNumber().floatValue(), 0f);
        assertEquals(2 * 19, ds.getLabels(0).sumNumber().intValue());
    }

    @Test
    void minibatchesSplitOnSizeChangesAndBatchSize() {
        List<TensorSample> in = List.of(sample("a", 4, 4, 0), sample("b", 4, 4, 0), sample("c", 4, 4, 0),
                sample("d", 6, 4, 0), sample("e", 4, 4, 0));
        List<Long> sizes = new ArrayList<>();
        List<Long> heights = new ArrayList<>();
        Batches.trainingBatches(in.iterator(), 2, SPEC).forEachRemaining(b -> {
            sizes.add(b.getFeatures(0).size(0));
            heights.add(b.getFeatures(0).size(2));
        });
        assertEquals(List.of(2L, 1L, 1L, 1L), sizes);
        assertEquals(List.of(4L, 4L, 6L, 4L), heights);
    }

    @Test
    void aSampleWithAnotherChannelCountThanTheModelsIsNamed() {
        SegmentationSpec grey = SPEC.toBuilder().inputChannels(1).build();
        Iterator<MultiDataSet> batches = Batches.trainingBatches(List.of(sample("a", 4, 4, 0)).iterator(), 2, grey);
        assertEquals("sample a: image has 3 channel(s) but the model expects 1",
                assertThrows(IllegalArgumentException.class, batches::next).getMessage());
    }
}
