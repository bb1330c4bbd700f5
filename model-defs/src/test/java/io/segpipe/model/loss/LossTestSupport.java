package io.segpipe.model.loss;

import static io.segpipe.model.layers.GraphTestSupport.doubleGraph;
import static io.segpipe.model.layers.GraphTestSupport.init;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** Tiny segmentation nets and labels for the loss tests. */
final class LossTestSupport {
    static final int CLASSES = 3;

    private LossTestSupport() {
    }

    /** 1x1 conv to K class scores, then a softmax CnnLossLayer with the loss under test. */
    static ComputationGraph network(ILossFunction loss, int h, int w) {
        return init(doubleGraph(17)
                .addInputs("in")
                .addLayer("score", new ConvolutionLayer.Builder(1, 1).nOut(CLASSES).activation(Activation.IDENTITY).build(), "in")
                .addLayer("loss", new CnnLossLayer.Builder().lossFunction(loss).activation(Activation.SOFTMAX).build(), "score")
                .setOutputs("loss")
                .setInputTypes(InputType.convolutional(h, w, 2))
                .build());
    }

    /** One-hot [N, K, H, W] from a label map in which -1 means ignore (an all-zero label vector). */
    static INDArray oneHot(int[][][] labelMap) {
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, labelMap.length, CLASSES, labelMap[0].length, labelMap[0][0].length);
        for (int n = 0; n < labelMap.length; n++) {
            for (int y = 0; y < labelMap[n].length; y++) {
                for (int x = 0; x < labelMap[n][y].length; x++) {
                    if (labelMap[n][y][x] >= 0) {
                        labels.putScalar(new int[] {n, labelMap[n][y][x], y, x}, 1.0);
                    }
                }
            }
        }
        return labels;
    }

    /** Two 3x4 label maps with ignored pixels; class 2 appears in only one image. */
    static int[][][] labelMaps() {
        return new int[][][] {
            {{0, 1, -1, 1}, {0, 0, 1, -1}, {2, 1, 0, 0}},
            {{1, -1, -1, 0}, {0, 1, 1, 0}, {-1, 0, 0, 1}}};
    }

    /** Rows [R, K] of a 4d [N, K, H, W] array, pixel-major as CnnLossLayer passes them. */
    static INDArray rows(INDArray nkhw) {
        return nkhw.permute(0, 2, 3, 1).dup('c').reshape(nkhw.size(0) * nkhw.size(2) * nkhw.size(3), nkhw.size(1));
    }
}
