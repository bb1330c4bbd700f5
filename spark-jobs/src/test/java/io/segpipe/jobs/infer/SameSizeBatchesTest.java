package io.segpipe.jobs.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.prep.reader.TensorSample;

/** The one batcher and the one tensor stacking, shared by inference and training minibatches. */
class SameSizeBatchesTest {

    @BeforeAll
    static void init() {
        Nd4jBackend.init();
    }

    static TensorSample sample(String id, int h, int w) {
        float[] image = new float[3 * h * w];
        for (int i = 0; i < image.length; i++) {
            image[i] = i;
        }
        return new TensorSample(id, "val", 3, h, w, image, new int[h * w]);
    }

    @Test
    void sameSizeBatchesSplitOnSizeChangeAndBatchSize() {
        List<int[]> items = List.of(new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, new int[] {2, 2}, new int[] {1, 1});
        SameSizeBatches<int[]> b = SameSizeBatches.of(items.iterator(), 2, s -> SameSizeBatches.key(3, s[0], s[1]));
        List<Integer> sizes = new ArrayList<>();
        while (b.hasNext()) {
            sizes.add(b.next().size());
        }
        assertEquals(List.of(2, 1, 1, 1), sizes);
    }

    @Test
    void samplesGroupByImageSize() {
        List<TensorSample> in = List.of(sample("a", 4, 4), sample("b", 4, 4), sample("c", 4, 4), sample("d", 6, 4),
                sample("e", 4, 4));
        List<List<String>> ids = new ArrayList<>();
        SameSizeBatches.of(in.iterator(), 2, SameSizeBatches::key)
                .forEachRemaining(g -> ids.add(g.stream().map(TensorSample::id).toList()));
        assertEquals(List.of(List.of("a", "b"), List.of("c"), List.of("d"), List.of("e")), ids);
    }

    @Test
    void stackingIsNchwAndRejectsAnImageOfAnotherSize() {
        TensorSample a = sample("a", 4, 5);
        INDArray x = Tensors.batch(List.of(a.image(), a.image()), 3, 4, 5);
        assertArrayEquals(new long[] {2, 3, 4, 5}, x.shape());
        assertEquals(1 * 20 + 2 * 5 + 3, x.getFloat(1, 1, 2, 3), 0f);
        assertThrows(IllegalArgumentException.class,
                () -> Tensors.batch(List.of(a.image(), sample("d", 6, 4).image()), 3, 4, 5));
    }
}
