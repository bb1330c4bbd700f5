package io.segpipe.model.arch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.Backbone;
import io.segpipe.model.spec.ContextModule;
import io.segpipe.model.spec.DeepSupervision;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * The smallest useful spec of each architecture, for fast tests: the canonical topology at 1/16
 * of the paper's widths (U-Net and DeepLab's ResNet also at reduced depth; Xception at 1/8;
 * FC-DenseNet56 at 1/4, see {@link #builder}), so a
 * forward and backward pass takes milliseconds on two cores while every vertex of the real network
 * is present.
 */
public final class TinySpecs {
    /**
     * ND4J threads for tests of tiny networks: their layers are too small to gain from a second
     * OpenMP thread, and on a shared 2-core machine spinning OpenMP threads of concurrent test
     * JVMs made these tests 3-6x slower than with one thread (measured: the SegNet matrix in
     * 25 s with 2 threads, 7 s with 1, same load).
     */
    public static final int THREADS = 1;

    private TinySpecs() {
    }

    /**
     * The tiny spec builder of {@code architecture}. FC-DenseNet is its smallest configuration (56) at
     * 1/4 width, growth rate 3 and a first convolution of 12: at 1/16 the growth rate rounds to 1.
     */
    public static SegmentationSpec.Builder builder(Architecture architecture, int numClasses) {
        SegmentationSpec.Builder b = SegmentationSpec.builder(architecture, numClasses)
                .widthMultiplier(1.0 / 16).seed(7);
        return switch (architecture) {
            case UNET -> b.depth(2);
            case DEEPLAB_V2, DEEPLAB_V3, DEEPLAB_V3_PLUS -> b.depth(18);
            case FC_DENSENET -> b.depth(56).widthMultiplier(1.0 / 4);
            default -> b;
        };
    }

    /**
     * A tiny network the architecture matrix runs: an architecture's tiny spec, changed by
     * {@code options} (the identity for the plain architecture).
     *
     * @param name what the test reports: the architecture, and the option if any
     */
    public record Variant(String name, Architecture architecture, UnaryOperator<SegmentationSpec.Builder> options) {
        public SegmentationSpec.Builder builder(int numClasses) {
            return options.apply(TinySpecs.builder(architecture, numClasses));
        }

        public SegmentationSpec spec(int numClasses) {
            return builder(numClasses).build();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * Every architecture's tiny spec, and one tiny spec per option that changes the graph: DeepLab
     * v2's multi-scale inputs, v3's Multi-Grid (on ResNet-34: ResNet-18's last stage has two units),
     * the Xception-65 backbone of v3 and v3+ (with the separable ASPP and decoder it brings) and
     * Multi-Grid on it, separable ASPP and decoder on ResNet, and the basic and large context modules
     * (each on one architecture: the module is the same head on every one).
     */
    public static List<Variant> variants() {
        List<Variant> all = new ArrayList<>();
        for (Architecture a : Architecture.values()) {
            all.add(new Variant(a.name(), a, UnaryOperator.identity()));
        }
        all.add(new Variant("DEEPLAB_V2 multiScaleInputs", Architecture.DEEPLAB_V2, b -> b.multiScaleInputs(true)));
        all.add(new Variant("DEEPLAB_V3 multiGrid", Architecture.DEEPLAB_V3, b -> b.depth(34).multiGrid(true)));
        all.add(new Variant("DEEPLAB_V3 XCEPTION", Architecture.DEEPLAB_V3, TinySpecs::xception));
        all.add(new Variant("DEEPLAB_V3_PLUS XCEPTION", Architecture.DEEPLAB_V3_PLUS, TinySpecs::xception));
        all.add(new Variant("DEEPLAB_V3_PLUS XCEPTION multiGrid outputStride 8", Architecture.DEEPLAB_V3_PLUS,
                b -> xception(b).multiGrid(true).outputStride(8)));
        all.add(new Variant("DEEPLAB_V3_PLUS separableConvolutions", Architecture.DEEPLAB_V3_PLUS,
                b -> b.separableConvolutions(true)));
        all.add(new Variant("UNET contextModule BASIC", Architecture.UNET, b -> b.contextModule(ContextModule.BASIC)));
        all.add(new Variant("SEGNET_BASIC contextModule LARGE", Architecture.SEGNET_BASIC, b -> b.contextModule(ContextModule.LARGE)));
        all.add(new Variant("UNET deepSupervision", Architecture.UNET,
                b -> b.deepSupervision(DeepSupervision.of("down1", "bottom", "up1"))));
        all.add(new Variant("UNET deepSupervision MAIN contextModule BASIC", Architecture.UNET,
                b -> b.contextModule(ContextModule.BASIC).deepSupervision(new DeepSupervision(List.of(
                        new DeepSupervision.SideOutput("up1", 0.5)), 1, 0.25, DeepSupervision.Output.MAIN))));
        all.add(new Variant("FCN8S deepSupervision", Architecture.FCN8S,
                b -> b.deepSupervision(DeepSupervision.of("pool3", "pool4", "fc7"))));
        all.add(new Variant("SEGNET_BASIC deepSupervision", Architecture.SEGNET_BASIC,
                b -> b.deepSupervision(DeepSupervision.of("pool2", "upsample3"))));
        all.add(new Variant("DEEPLAB_V3_PLUS deepSupervision", Architecture.DEEPLAB_V3_PLUS,
                b -> b.deepSupervision(DeepSupervision.of("layer2", "aspp"))));
        all.add(new Variant("FC_DENSENET deepSupervision", Architecture.FC_DENSENET,
                b -> b.deepSupervision(DeepSupervision.of("td1", "up2"))));
        return all;
    }

    /**
     * Xception-65 at 1/8 width: its depth cannot be reduced, and at 1/16 its stem and first
     * modules have 2 to 8 channels, too few to train reliably in three steps (measured: the loss
     * rose after three steps at output stride 8, and fell at 1/8).
     */
    private static SegmentationSpec.Builder xception(SegmentationSpec.Builder b) {
        return b.backbone(Backbone.XCEPTION).depth(65).widthMultiplier(1.0 / 8);
    }

    public static SegmentationSpec of(Architecture architecture, int numClasses) {
        return builder(architecture, numClasses).build();
    }

    /**
     * Input sizes (height, width) the network itself maps to an output of the same size, without
     * the {@link io.segpipe.model.predict.Segmenter}'s padding. For FCN they include sizes that
     * are not multiples of 32.
     */
    public static int[][] nativeSizes(SegmentationSpec spec) {
        return switch (spec.architecture()) {
            case FCN32S, FCN16S, FCN8S -> new int[][] {{32, 32}, {45, 70}, {37, 33}};
            case UNET -> new int[][] {{16, 16}, {24, 40}};
            case SEGNET, SEGNET_BASIC -> new int[][] {{32, 32}, {48, 64}, {45, 70}};
            case DEEPLAB_V1, DEEPLAB_V2, DEEPLAB_V3, DEEPLAB_V3_PLUS -> new int[][] {{32, 32}, {48, 64}, {45, 70}};
            case FC_DENSENET -> new int[][] {{64, 64}, {32, 96}};
        };
    }
}
