package io.segpipe.model.arch;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

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
            case DEEPLAB_V3, DEEPLAB_V3_PLUS -> DeepLab.build(spec);
        };
    }

    /** A new, initialised network of {@code spec} (parameters drawn with the spec's seed). */
    public static ComputationGraph create(SegmentationSpec spec) {
        ComputationGraph net = new ComputationGraph(build(spec));
        net.init();
        return net;
    }

    /**
     * The number the input height and width must be multiples of for the network's output to have
     * the input's size; 1 when any size works. {@link io.segpipe.model.predict.Segmenter} pads
     * other sizes up to the next multiple and crops the output back.
     *
     * <ul>
     *   <li>FCN: 1. Every stage pads "same", pooling rounds up, and the up-sampled scores are
     *       cropped to the input, so any size works.</li>
     *   <li>U-Net (same padding): 2^depth. The transposed convolutions exactly double a size, so
     *       an odd size at any level would no longer match its skip connection.</li>
     *   <li>SegNet: 1. Unpooling restores the exact pre-pooling size from the encoder's
     *       activation, so odd sizes at any level work.</li>
     *   <li>DeepLab: 1. The bilinear up-sampling resizes to the size of a reference input (the
     *       low-level features, the image), so any size works.</li>
     * </ul>
     */
    public static int inputMultiple(SegmentationSpec spec) {
        return switch (spec.architecture()) {
            case UNET -> 1 << spec.depth();
            case FCN32S, FCN16S, FCN8S, SEGNET, SEGNET_BASIC, DEEPLAB_V3, DEEPLAB_V3_PLUS -> 1;
        };
    }
}
