package io.segpipe.jobs.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import io.segpipe.jobs.data.Decoding;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.predict.Segmenter;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.reader.TensorSample;

/** The partition loop against a per-pixel network (1x1 convolution + softmax), batch size 2. */
class PartitionInferenceTest {

    private static Predictor predictor;

    @BeforeAll
    static void setUp() {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(1);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).weightInit(WeightInit.XAVIER)
                .dataType(DataType.FLOAT).graphBuilder().addInputs("in")
                .addLayer("conv", new ConvolutionLayer.Builder(1, 1).nIn(3).nOut(4).activation(Activation.IDENTITY).build(), "in")
                .addLayer("out", new CnnLossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .build(), "conv")
                .setOutputs("out").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        Segmenter pointwise = new Segmenter(net, SegmentationSpec.builder(Architecture.UNET, 4).depth(1).build());
        predictor = new Predictor(pointwise, InferenceConfig.builder().batchSize(2).build());
    }

    private static TensorSample sample(String id, int channels, int h, int w, long seed) {
        Random random = new Random(seed);
        float[] image = new float[channels * h * w];
        for (int i = 0; i < image.length; i++) {
            image[i] = random.nextFloat() * 4 - 2;
        }
        return new TensorSample(id, null, channels, h, w, image, null);
    }

    private static List<TensorSample> mixedSizes() {
        return List.of(sample("a", 3, 4, 6, 1), sample("b", 3, 4, 6, 2), sample("c", 3, 4, 6, 3),
                sample("d", 3, 8, 6, 4), sample("e", 3, 4, 6, 5));
    }

    private record Seen(TensorSample sample, ImagePrediction prediction) {
    }

    private static List<Seen> run(PartitionInference<TensorSample> loop, List<TensorSample> samples) throws Exception {
        List<Seen> seen = new ArrayList<>();
        loop.run(samples.iterator(), (s, p) -> seen.add(new Seen(s, p)));
        return seen;
    }

    @Test
    void batchesSplitOnSizeChangeAndAtTheBatchSize() throws Exception {
        PartitionInference<TensorSample> loop = PartitionInference.ofSamples(predictor, false);
        List<Seen> seen = run(loop, mixedSizes());
        assertEquals(List.of("a", "b", "c", "d", "e"), seen.stream().map(s -> s.sample().id()).toList(), "input order");
        // images of one forward pass share the batch's label array
        assertSame(seen.get(0).prediction().labels(), seen.get(1).prediction().labels());
        assertNotSame(seen.get(1).prediction().labels(), seen.get(2).prediction().labels());
        assertNotSame(seen.get(2).prediction().labels(), seen.get(3).prediction().labels());
        assertNotSame(seen.get(3).prediction().labels(), seen.get(4).prediction().labels());
        assertEquals(5, loop.images());
        assertTrue(loop.networkNanos() > 0);
        assertEquals(0, loop.crfNanos(), "no CRF configured");
    }

    @Test
    void everySampleGetsItsOwnSliceOfTheBatchPrediction() throws Exception {
        List<Seen> seen = run(PartitionInference.ofSamples(predictor, true), mixedSizes());
        assertEquals(List.of(0, 24, 0, 0, 0), seen.stream().map(s -> s.prediction().offset()).toList());
        for (Seen s : seen) {
            TensorSample t = s.sample();
            ImagePrediction alone = predictor.predict(Tensors.batch(List.of(t.image()), 3, t.height(), t.width()), true)
                    .image(0);
            assertEquals(t.height(), s.prediction().height());
            assertEquals(t.width(), s.prediction().width());
            assertArrayEquals(alone.labelBytes(), s.prediction().labelBytes(), t.id());
            assertEquals(alone.confidence(), s.prediction().confidence(), 1e-6, t.id());
        }
    }

    @Test
    void withoutConfidenceThePredictionHasNone() throws Exception {
        List<Seen> seen = run(PartitionInference.ofSamples(predictor, false), List.of(sample("a", 3, 4, 6, 1)));
        assertTrue(Double.isNaN(seen.get(0).prediction().confidence()));
    }

    @Test
    void badRowsAreSkippedAndCountedByTheDecoder() throws Exception {
        List<String> rows = List.of("a", "bad1", "b", "bad2", "bad3", "c");
        List<String> bad = new ArrayList<>();
        PartitionInference<TensorSample> loop = PartitionInference.ofSamples(predictor, false);
        List<String> predicted = new ArrayList<>();
        loop.run(Decoding.skippingBad(rows.iterator(), id -> {
            if (id.startsWith("bad")) {
                bad.add(id);
                return null;
            }
            return sample(id, 3, 4, 6, id.hashCode());
        }), (s, p) -> predicted.add(s.id()));
        assertEquals(List.of("a", "b", "c"), predicted);
        assertEquals(List.of("bad1", "bad2", "bad3"), bad);
        assertEquals(3, loop.images());
    }

    @Test
    void aSampleWithAnotherChannelCountFailsNamingIt() {
        PartitionInference<TensorSample> loop = PartitionInference.ofSamples(predictor, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(loop, List.of(sample("grey", 1, 4, 6, 1))));
        assertEquals("sample grey: image has 1 channel(s) but the model expects 3", e.getMessage());
    }
}
