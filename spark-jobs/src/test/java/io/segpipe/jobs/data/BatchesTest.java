package io.segpipe.jobs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.reader.TensorSample;

class BatchesTest {
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
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.UNET, 4)
                .loss(new SegmentationSpec.LossSpec(null, 11, 0)).build();
        DataSet ds = Batches.toDataSet(List.of(sample("a", 4, 5, 2), sample("b", 4, 5, 3)), spec);
        assertArrayEquals(new long[] {2, 3, 4, 5}, ds.getFeatures().shape());
        assertArrayEquals(new long[] {2, 4, 4, 5}, ds.getLabels().shape());
        assertEquals(1 * 20 + 2 * 5 + 3, ds.getFeatures().getFloat(1, 1, 2, 3), 0f);
        assertEquals(1f, ds.getLabels().getFloat(0, 2, 1, 1), 0f);
        assertEquals(1f, ds.getLabels().getFloat(1, 3, 3, 4), 0f);
        assertEquals(0f, ds.getLabels().get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.point(0)).sumNumber().floatValue(), 0f);
        assertEquals(2 * 19, ds.getLabels().sumNumber().intValue());
    }

    @Test
    void groupsSplitOnSizeChangesAndBatchSize() {
        List<TensorSample> in = List.of(sample("a", 4, 4, 0), sample("b", 4, 4, 0), sample("c", 4, 4, 0),
                sample("d", 6, 4, 0), sample("e", 4, 4, 0));
        List<List<String>> ids = new ArrayList<>();
        Batches.groups(in.iterator(), 2).forEachRemaining(g -> ids.add(g.stream().map(TensorSample::id).toList()));
        assertEquals(List.of(List.of("a", "b"), List.of("c"), List.of("d"), List.of("e")), ids);
        assertThrows(IllegalArgumentException.class, () -> Batches.features(List.of(in.get(0), in.get(3))));
    }
}
