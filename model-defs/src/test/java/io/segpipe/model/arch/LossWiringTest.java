package io.segpipe.model.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.loss.CrossEntropyDiceLoss;
import io.segpipe.model.loss.WeightedCrossEntropyLoss;
import io.segpipe.model.predict.Labels;
import io.segpipe.model.predict.Segmenter;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.model.spec.SegmentationSpec.LossSpec;

/** The spec's LossSpec reaches the output layer, and ignored pixels do not count. */
class LossWiringTest {
    @BeforeAll
    static void backend() {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(TinySpecs.THREADS);
    }

    @Test
    void lossSpecSelectsWeightedCrossEntropyOrItsSumWithDice() {
        double[] weights = {0.5, 2, 1};
        assertEquals(new WeightedCrossEntropyLoss(weights), outputLoss(TinySpecs.builder(Architecture.UNET, 3)
                .loss(new LossSpec(weights, -1, 0)).build()));
        assertEquals(new CrossEntropyDiceLoss(weights, 1, 0.3), outputLoss(TinySpecs.builder(Architecture.DEEPLAB_V3, 3)
                .loss(new LossSpec(weights, 3, 0.3)).build()));
    }

    @Test
    void ignoreLabelPixelsCountNothing() {
        SegmentationSpec spec = TinySpecs.builder(Architecture.FCN8S, 3).loss(new LossSpec(new double[] {1, 2, 3}, 3, 0.5)).build();
        ComputationGraph net = Architectures.create(spec);
        DataSet batch = Synthetic.batch(spec, 2, 32, 32, 9);
        INDArray map = Segmenter.argMax(batch.getLabels());
        map.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 16), NDArrayIndex.all()).assign(3); // top half void
        INDArray labels = Labels.oneHot(map, spec);
        double score = net.score(new DataSet(batch.getFeatures(), labels), false);
        assertTrue(Double.isFinite(score) && score > 0, "score " + score);
        INDArray allVoid = Nd4j.zerosLike(labels);
        assertEquals(0.0, net.score(new DataSet(batch.getFeatures(), allVoid), false), 0.0, "nothing labelled, no loss");
    }

    private static ILossFunction outputLoss(SegmentationSpec spec) {
        LayerVertex output = (LayerVertex) Architectures.build(spec).getVertices().get(Blocks.OUTPUT);
        return ((CnnLossLayer) output.getLayerConf().getLayer()).getLossFn();
    }
}
