package io.segpipe.model.arch;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

import io.segpipe.model.spec.Padding;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * The one entry point from a {@link SegmentationSpec} to a network: dispatches on
 * {@link SegmentationSpec#architecture()} to the architecture's builder class, and says which
 * input sizes each architecture accepts.
 */
public final class Architectures {
    private Architectures() {
    }

    /** The graph configuration of {@code spec}'s architecture. */
    public static ComputationGraphConfiguration build(SegmentationSpec spec) {
        return switch (spec.architecture()) {
            case UNET -> UNet.build(spec);
            case FCN32S, FCN16S, FCN8S -> Fcn.build(spec);
            case SEGNET, SEGNET_BASIC -> SegNet.build(spec);
            case DEEPLAB_V1 -> DeepLabV1.build(spec);
            case DEEPLAB_V2 -> DeepLabV2.build(spec);
            case DEEPLAB_V3, DEEPLAB_V3_PLUS -> DeepLab.build(spec);
            case FC_DENSENET -> FcDenseNet.build(spec);
        };
    }

    /** A new, initialised network of {@code spec} (parameters drawn with the spec's seed). */
    public static ComputationGraph create(SegmentationSpec spec) {
        ComputationGraph net = new ComputationGraph(build(spec));
        net.init();
        return net;
    }

    /**
     * How an image of {@code size} pixels (along one axis) must be padded for the network, and
     * where the image's pixels are in the network's output. {@link io.segpipe.model.predict.Segmenter}
     * pads by reflection, runs the network and crops {@code [0, size)} of the output.
     *
     * <ul>
     *   <li>FCN, SegNet, DeepLab (all versions): no padding. FCN pads "same", pools rounding up and crops its
     *       up-sampled scores to the input; SegNet's unpooling restores the exact pre-pooling size;
     *       DeepLab resizes bilinearly to the input's size.</li>
     *   <li>U-Net, same padding: up to the next multiple of 2^depth at the end (the transposed
     *       convolutions exactly double a size, so an odd size at any level would no longer match
     *       its skip).</li>
     *   <li>FC-DenseNet: up to the next multiple of 2^5 = 32 at the end (five poolings, each
     *       undone by a transposed convolution that exactly doubles a size, as U-Net same padding).</li>
     *   <li>U-Net, valid padding: the paper's overlap-tile strategy, {@link UNet#validShrink}/2
     *       mirrored pixels before the image and enough after it for the output to cover it.</li>
     * </ul>
     */
    public static Tiling tiling(SegmentationSpec spec, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("image size must be >= 1, found " + size);
        }
        return switch (spec.architecture()) {
            case UNET -> {
                if (spec.padding() == Padding.VALID) {
                    int input = UNet.validInputSize(size, spec.depth());
                    int before = UNet.validShrink(spec.depth()) / 2;
                    yield new Tiling(before, input - size - before);
                }
                yield padAfterToMultiple(size, 1 << spec.depth());
            }
            case FC_DENSENET -> padAfterToMultiple(size, 1 << FcDenseNet.POOLING_STEPS);
            case FCN32S, FCN16S, FCN8S, SEGNET, SEGNET_BASIC, DEEPLAB_V1, DEEPLAB_V2, DEEPLAB_V3, DEEPLAB_V3_PLUS -> new Tiling(0, 0);
        };
    }

    private static Tiling padAfterToMultiple(int size, int multiple) {
        return new Tiling(0, (multiple - size % multiple) % multiple);
    }

    /**
     * Padding of one image axis for the network.
     *
     * @param before pixels added before the image (its first pixel is the output's first)
     * @param after pixels added after the image
     */
    public record Tiling(int before, int after) {
        public boolean isNone() {
            return before == 0 && after == 0;
        }
    }
}
