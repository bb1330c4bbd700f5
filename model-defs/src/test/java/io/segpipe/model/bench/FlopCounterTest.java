package io.segpipe.model.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.model.arch.Architectures;
import io.segpipe.model.arch.TinySpecs;
import io.segpipe.model.arch.UNet;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.layers.DenseBlock;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

class FlopCounterTest {
    @BeforeAll
    static void backend() {
        Nd4jBackend.init();
    }

    /** Independent count of the reference U-Net by the closed formula, level by level. */
    @Test
    void countsTheReferenceUNetLikeTheClosedFormula() {
        int size = 64;
        int depth = 4;
        int base = 32;
        int classes = 4;
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.UNET, classes)
                .widthMultiplier(0.5).batchNorm(false).depth(depth).build();
        ComputationGraph net = new ComputationGraph(UNet.build(spec));
        net.init();

        long expected = 0;
        int in = 3;
        for (int level = 0; level <= depth; level++) {
            long pixels = (long) (size >> level) * (size >> level);
            int width = base << level;
            expected += 2L * 9 * in * width * pixels + 2L * 9 * width * width * pixels; // two 3x3 convs down
            in = width;
        }
        for (int level = depth - 1; level >= 0; level--) {
            long pixels = (long) (size >> level) * (size >> level);
            int width = base << level;
            expected += 2L * 4 * (2 * width) * width * (pixels / 4); // 2x2 transposed conv, per input pixel
            expected += 2L * 9 * (2 * width) * width * pixels + 2L * 9 * width * width * pixels; // two 3x3 convs up
        }
        expected += 2L * base * classes * size * size; // 1x1 classifier

        assertEquals(expected, FlopCounter.forwardFlopsPerImage(net, Nd4j.rand(DataType.FLOAT, 2, 3, size, size)));
    }

    /** DeepLab v2's multi-scale inputs: the single-scale network's count at each scale's size, (64 - 1)·s + 1. */
    @Test
    void multiScaleInputsCountTheBodyOncePerScale() {
        SegmentationSpec single = TinySpecs.of(Architecture.DEEPLAB_V2, 3);
        ComputationGraph one = Architectures.create(single);
        ComputationGraph multiScale = Architectures.create(single.toBuilder().multiScaleInputs(true).build());
        long expected = 0;
        for (int size : new int[] {64, 48, 32}) {
            expected += FlopCounter.forwardFlopsPerImage(one, Nd4j.rand(DataType.FLOAT, 1, 3, size, size));
        }
        assertEquals(expected, FlopCounter.forwardFlopsPerImage(multiScale, Nd4j.rand(DataType.FLOAT, 2, 3, 64, 64)));
    }

    /** A dense block: each layer's 3x3 convolution from the channels so far (c + i·k) to k, at the input's size. */
    @Test
    void countsEveryLayerOfADenseBlock() {
        DenseBlock block = new DenseBlock(5, 4, 3, 0, false);
        INDArray in = Nd4j.rand(DataType.FLOAT, 2, 5, 8, 6);
        long pixels = 2L * 8 * 6;
        long expected = 2L * 9 * pixels * 3 * (5 + 8 + 11 + 14);
        assertEquals(expected, FlopCounter.layerFlops(block, in, Nd4j.rand(DataType.FLOAT, 2, 17, 8, 6)));
    }

    /** A separable convolution c -> d: depthwise 2·9·c per pixel (not 2·9·c·c), pointwise 2·c·d. */
    @Test
    void countsADepthwiseConvolutionPerChannel() {
        ComputationGraph net = new ComputationGraph(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("in")
                .addLayer("dw", new org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(1)
                        .build(), "in")
                .addLayer("pw", new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(1, 1).nOut(5).build(), "dw")
                .setOutputs("pw")
                .setInputTypes(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(6, 7, 4))
                .build());
        net.init();
        assertEquals(2L * 9 * 4 * 6 * 7 + 2L * 4 * 5 * 6 * 7, FlopCounter.forwardFlopsPerImage(net, Nd4j.rand(DataType.FLOAT, 2, 4, 6, 7)));
    }
}
