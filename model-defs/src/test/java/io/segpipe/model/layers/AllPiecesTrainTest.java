package io.segpipe.model.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.loss.CrossEntropyDiceLoss;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Every vertex and the combined loss in one float network, trained with DL4J's workspaces on
 * (the production setting): shapes hold at an odd input size and the loss goes down.
 */
class AllPiecesTrainTest {

    @BeforeAll
    static void loadBackend() {
        Nd4jBackend.init();
    }

    @Test
    void aSmallNetworkWithEveryPieceTrains() {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.FLOAT)
                .updater(new Adam(0.02))
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder()
                .addInputs("in")
                .addLayer("enc", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), "in")
                .addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "enc");
        String atrous = Atrous.addConv(g, "atrous", "pool", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), 2);
        g.addVertex("unpool", new MaxUnpoolingVertex(), atrous, "enc")
                .addLayer("wide", new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.RELU)
                        .convolutionMode(ConvolutionMode.Truncate).build(), "unpool")
                .addVertex("crop", CropToMatchVertex.centred(), "unpool", "wide")
                .addVertex("merge", new MergeVertex(), "crop", "wide")
                .addVertex("resize", BilinearResizeVertex.toMatchSecondInput(), "merge", "in")
                .addLayer("score", new ConvolutionLayer.Builder(1, 1).nOut(3).activation(Activation.IDENTITY).build(), "resize")
                .addLayer("loss", new CnnLossLayer.Builder().lossFunction(new CrossEntropyDiceLoss(new double[] {1, 2, 1}, 1, 1))
                        .activation(Activation.SOFTMAX).build(), "score")
                .setOutputs("loss")
                .setInputTypes(InputType.convolutional(9, 11, 2));
        ComputationGraph graph = new ComputationGraph(g.build());
        graph.init();

        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 2, 9, 11);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 2, 3, 9, 11);
        for (int n = 0; n < 2; n++) {
            for (int y = 0; y < 9; y++) {
                for (int z = 0; z < 11; z++) {
                    int label = (y + z + n) % 4; // 3 = ignored
                    if (label < 3) {
                        labels.putScalar(new int[] {n, label, y, z}, 1f);
                    }
                }
            }
        }
        DataSet data = new DataSet(x, labels);
        double before = graph.score(data);
        for (int i = 0; i < 15; i++) {
            graph.fit(data);
        }
        double after = graph.score(data);
        assertTrue(after < before, "loss " + before + " -> " + after);
        assertArrayEquals(new long[] {2, 3, 9, 11}, graph.outputSingle(x).shape());
        assertArrayEquals(new long[] {1, 3, 13, 6}, graph.outputSingle(Nd4j.rand(DataType.FLOAT, 1, 2, 13, 6)).shape());
    }
}
