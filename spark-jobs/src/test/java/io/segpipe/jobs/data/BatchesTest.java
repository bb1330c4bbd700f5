package io.segpipe.jobs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** Two cells (class 1) across a membrane column (class 0), a class-2 cell touching one, an ignored pixel. */
    private static final String[] CELLS = {
            "11101111",
            "11101111",
            "11101122",
            "00000022",
            "0000X000",
            "11000000",
            "11000000",
            "00000000",
    };

    private static TensorSample cells(String id, boolean mirrored) {
        int h = CELLS.length;
        int w = CELLS[0].length();
        int[] label = new int[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                char c = CELLS[y].charAt(mirrored ? w - 1 - x : x);
                label[y * w + x] = c == 'X' ? 11 : c - '0';
            }
        }
        float[] image = new float[3 * h * w];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(id.hashCode());
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) rnd.nextDouble();
        }
        return new TensorSample(id, "train", 3, h, w, image, label);
    }

    /**
     * Issue #18's border weights reach the loss: with {@code loss.borderWeight} on, every pixel's weight in
     * the cross-entropy (label mask × class weight) is its weight with the option off plus the border
     * term of its own image's map, ignored pixels stay 0, and the network's score grows by exactly the
     * term-weighted cross-entropy of the same outputs.
     */
    @Test
    void withBorderWeightsEveryPixelWeighsItsClassWeightPlusTheMap() {
        double[] classWeights = {0.5, 2, 4};
        SegmentationSpec.LossSpec plainLoss = new SegmentationSpec.LossSpec(classWeights, 11, 0);
        SegmentationSpec off = SegmentationSpec.builder(Architecture.UNET, 3).depth(1).widthMultiplier(1.0 / 16)
                .inputSize(8, 8).loss(plainLoss).build();
        SegmentationSpec on = off.toBuilder().loss(plainLoss.withBorderWeight(SegmentationSpec.BorderWeight.PAPER)).build();
        List<TensorSample> samples = List.of(cells("a", false), cells("b", true));
        MultiDataSet plain = Batches.trainingBatches(samples.iterator(), 2, off).next();
        MultiDataSet weighted = Batches.trainingBatches(samples.iterator(), 2, on).next();
        assertEquals(null, plain.getLabelsMaskArrays(), "off: no per-pixel weights beyond the class weights");
        assertEquals(plain.getFeatures(0), weighted.getFeatures(0));
        assertEquals(plain.getLabels(0), weighted.getLabels(0));
        org.nd4j.linalg.api.ndarray.INDArray mask = weighted.getLabelsMaskArray(0);
        assertArrayEquals(new long[] {2, 1, 8, 8}, mask.shape());
        int plane = 64;
        double termSum = 0;
        for (int i = 0; i < 2; i++) {
            int[] label = samples.get(i).label();
            float[] term = io.segpipe.model.loss.BorderWeightMap.term(label, 8, 8, 3, SegmentationSpec.BorderWeight.PAPER);
            for (int p = 0; p < plane; p++) {
                int y = p / 8;
                int x = p % 8;
                float m = mask.getFloat(i, 0, y, x);
                if (label[p] == 11) {
                    assertEquals(0f, m, 0f, "ignored pixels weigh 0");
                    continue;
                }
                double weightOff = classWeights[label[p]];
                assertEquals(weightOff + term[p], m * weightOff, 1e-5, "image " + i + " pixel (" + y + ", " + x + ")");
                termSum += term[p];
            }
        }
        assertEquals(2 * 10 * Math.exp(-4.0 / 50), mask.getFloat(0, 0, 0, 3) * 0.5 - 0.5 + mask.getFloat(1, 0, 0, 4) * 0.5 - 0.5,
                1e-5, "the membrane pixel between the two cells, in both images");
        assertTrue(termSum > 0);

        // The network sees it: score(on) − score(off) = H·W/M · Σ_p b_p · (−log q_p,y_p), M counted pixels per batch.
        org.deeplearning4j.nn.graph.ComputationGraph graph =
                new org.deeplearning4j.nn.graph.ComputationGraph(io.segpipe.model.arch.Architectures.build(on));
        graph.init();
        org.nd4j.linalg.api.ndarray.INDArray q = graph.outputSingle(weighted.getFeatures(0));
        double expected = 0;
        int counted = 0;
        for (int i = 0; i < 2; i++) {
            int[] label = samples.get(i).label();
            float[] term = io.segpipe.model.loss.BorderWeightMap.term(label, 8, 8, 3, SegmentationSpec.BorderWeight.PAPER);
            for (int p = 0; p < plane; p++) {
                if (label[p] != 11) {
                    counted++;
                    expected -= term[p] * Math.log(q.getDouble(i, label[p], p / 8, p % 8));
                }
            }
        }
        expected *= (double) plane / counted;
        double scoreOff = graph.score(plain);
        double scoreOn = graph.score(weighted);
        assertEquals(expected, scoreOn - scoreOff, 1e-4 * Math.abs(expected));
    }

    @Test
    void aSampleWithAnotherChannelCountThanTheModelsIsNamed() {
        SegmentationSpec grey = SPEC.toBuilder().inputChannels(1).build();
        Iterator<MultiDataSet> batches = Batches.trainingBatches(List.of(sample("a", 4, 4, 0)).iterator(), 2, grey);
        assertEquals("sample a: image has 3 channel(s) but the model expects 1",
                assertThrows(IllegalArgumentException.class, batches::next).getMessage());
    }
}
