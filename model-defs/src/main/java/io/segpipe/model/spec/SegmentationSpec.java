package io.segpipe.model.spec;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.deeplearning4j.nn.weights.WeightInit;

/**
 * Everything that determines a segmentation network: architecture, classes, input, capacity,
 * regularisation, initialisation and the training loss. Immutable and validated: an invalid value
 * fails at construction with the field name and the value. Round-trips through JSON
 * ({@link #toJson()} / {@link #fromJson(String)}), which is how it travels with every model, and
 * is {@link Serializable}, so Spark closures and broadcasts carry it as it is (deserialisation runs
 * the same validation).
 *
 * @param architecture network family
 * @param numClasses classes the network predicts (the ignore label is not one of them), >= 2
 * @param inputChannels image channels: 1 (grey) or 3 (RGB)
 * @param inputHeight training input height in pixels; 0 = any (where the architecture allows)
 * @param inputWidth training input width in pixels; 0 = any
 * @param widthMultiplier scales every layer's channel count from the architecture's canonical
 *     widths (1.0 = the paper's network; 0.5 halves every layer, about a quarter of the FLOPs)
 * @param batchNorm batch normalisation after convolutions (SegNet, FC-DenseNet and DeepLab v2, v3 and
 *     v3+ always use it; DeepLab v1, like FCN, has none in its paper)
 * @param depth architecture-specific depth: U-Net pooling levels (paper: 4); the depth of DeepLab
 *     v2/v3/v3+'s backbone (ResNet 18, 34, 50 or 101; Xception 65); FC-DenseNet's configuration
 *     (56, 67 or 103, the paper's names; default 103); ignored by FCN, DeepLab v1 (VGG16)
 *     and SegNet (fixed by the variant)
 * @param outputStride DeepLab's ratio of input to feature-map size: 8 or 16 for v3 and v3+, 8 for v1
 *     and v2 (the only stride their papers define, and the one their ASPP rates are for); ignored elsewhere
 * @param backbone the encoder of DeepLab v2 ({@link Backbone#RESNET}), v3 and v3+ (RESNET or
 *     XCEPTION); null for the architectures whose encoder is fixed
 * @param multiGrid DeepLab v3's Multi-Grid (Chen et al. 2017, section 3.2): the three units of the
 *     backbone's last stage get atrous rates (1, 2, 4) times the stage's rate, e.g. (2, 4, 8) at
 *     output stride 16. For v3 and v3+ on a backbone whose last stage has three units (ResNet-34,
 *     -50, -101, Xception-65); no parameters change, the receptive field of the last stage grows
 * @param separableConvolutions depthwise separable 3x3 convolutions (batch norm and ReLU after the
 *     depthwise step) in the ASPP and the v3+ decoder (Chen et al. 2018, section 3.2), v3 and v3+.
 *     They take about a ninth of the parameters and FLOPs of a 3x3 convolution, but on CPU the
 *     depthwise half runs far below the GEMM rate (docs/benchmarks.md), so the time saved is
 *     smaller than the FLOPs saved. Default: on for Xception, off for ResNet (the papers' choices)
 * @param multiScaleInputs DeepLab v2's multi-scale input training (Chen et al., TPAMI 2018,
 *     section 4.1, "MSC"): the network runs with shared weights on the input at scales 1, 0.75
 *     and 0.5, the class scores are fused by their element-wise maximum and every output is
 *     supervised; v2 only. Three forward and backward passes per step (about 1.8x the FLOPs)
 * @param contextModule Yu and Koltun's context module (ICLR 2016) as a head on the class scores of
 *     any architecture: {@link ContextModule#BASIC} (C = numClasses channels per layer) or
 *     {@link ContextModule#LARGE} (up to 32C), seven 3x3 convolutions at dilations 1, 1, 2, 4, 8, 16,
 *     1 and a 1x1 layer, identity-initialised so training starts from the network without it. It
 *     runs where the scores enter the loss, at the output's resolution (DeepLab's up-sampled scores,
 *     where the paper ran it at its front end's 1/8). {@link ContextModule#NONE} (the default, and
 *     what a spec written before this option reads as) leaves the network unchanged. Not with
 *     {@code multiScaleInputs} (whose loss layer fuses the scales)
 * @param deepSupervision side outputs on named stages and their learned fusion, trained together
 *     ({@link DeepSupervision}: HED, ICCV 2015; FSDS, CVPR 2016); null (the default, and what a spec
 *     written before this option reads as) for none. Not with {@code multiScaleInputs}
 * @param padding U-Net convolution padding
 * @param dropout drop probability where the architecture places dropout (0 = none), in [0, 1);
 *     FC-DenseNet's paper uses 0.2 after every convolution of its dense blocks and transitions down
 * @param weightInit DL4J weight initialisation, e.g. RELU (He et al. 2015) or XAVIER
 * @param seed seed of parameter initialisation and dropout
 * @param loss the per-pixel training loss
 */
@JsonDeserialize(builder = SegmentationSpec.Builder.class)
public record SegmentationSpec(
        Architecture architecture,
        int numClasses,
        int inputChannels,
        int inputHeight,
        int inputWidth,
        double widthMultiplier,
        boolean batchNorm,
        int depth,
        int outputStride,
        Backbone backbone,
        boolean multiGrid,
        boolean separableConvolutions,
        boolean multiScaleInputs,
        ContextModule contextModule,
        DeepSupervision deepSupervision,
        Padding padding,
        double dropout,
        WeightInit weightInit,
        long seed,
        LossSpec loss) implements Serializable {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    public SegmentationSpec {
        Objects.requireNonNull(architecture, "architecture must be set");
        require(numClasses >= 2, "numClasses must be >= 2, found " + numClasses);
        require(inputChannels == 1 || inputChannels == 3, "inputChannels must be 1 or 3, found " + inputChannels);
        require(inputHeight >= 0, "inputHeight must be >= 0 (0 = any), found " + inputHeight);
        require(inputWidth >= 0, "inputWidth must be >= 0 (0 = any), found " + inputWidth);
        require((inputHeight == 0) == (inputWidth == 0),
                "inputHeight and inputWidth must both be 0 (any size) or both set, found " + inputHeight + "x" + inputWidth);
        require(widthMultiplier > 0 && widthMultiplier <= 4,
                "widthMultiplier must be in (0, 4], found " + widthMultiplier);
        require(depth >= 1, "depth must be >= 1, found " + depth);
        require(outputStride == 8 || outputStride == 16 || outputStride == 32,
                "outputStride must be 8, 16 or 32, found " + outputStride);
        Objects.requireNonNull(contextModule, "contextModule must be set (NONE for no context module)");
        require(contextModule == ContextModule.NONE || !multiScaleInputs, "contextModule must be NONE with "
                + "multiScaleInputs (the multi-scale loss fuses the scales' scores; the module has no place there), found "
                + contextModule);
        require(deepSupervision == null || !multiScaleInputs, "deepSupervision must be omitted with multiScaleInputs"
                + " (its loss layer already supervises the output of every scale)");
        require(deepSupervision == null || padding == Padding.SAME || architecture != Architecture.UNET,
                "deepSupervision needs padding SAME on UNET: with VALID padding a deeper stage covers a wider field"
                        + " than the output, so its up-sampled scores would not line up with it");
        Objects.requireNonNull(padding, "padding must be set");
        require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), found " + dropout);
        Objects.requireNonNull(weightInit, "weightInit must be set");
        Objects.requireNonNull(loss, "loss must be set");
        require(loss.classWeights() == null || loss.classWeights().length == numClasses,
                "loss.classWeights must have numClasses=" + numClasses + " entries, found "
                        + (loss.classWeights() == null ? 0 : loss.classWeights().length));
        require(loss.ignoreLabel() < 0 || loss.ignoreLabel() >= numClasses,
                "loss.ignoreLabel must be -1 (none) or >= numClasses=" + numClasses
                        + " (a class id cannot be ignored), found " + loss.ignoreLabel());
        if (loss.borderWeight() != null) {
            int background = loss.borderWeight().backgroundClass();
            require(numClasses >= 2, "loss.borderWeight needs numClasses >= 2 (objects of a class other than the "
                    + "background must be able to touch), found " + numClasses);
            require(background < numClasses, "loss.borderWeight.backgroundClass must be -1 (none) or a class id below "
                    + "numClasses=" + numClasses + ", found " + background);
        }
        requireArchitectureFits(architecture, depth, outputStride, padding);
        requireBackboneFits(architecture, backbone, depth);
        requireDeepLabOptionsFit(architecture, backbone, depth, multiGrid, separableConvolutions, multiScaleInputs);
    }

    /** The constraints that depend on the architecture, each naming its field. */
    private static void requireArchitectureFits(Architecture architecture, int depth, int outputStride, Padding padding) {
        switch (architecture) {
            case UNET -> require(depth <= 6, "depth must be in [1, 6] for UNET (pooling levels), found " + depth);
            case FC_DENSENET -> require(depth == 56 || depth == 67 || depth == 103,
                    "depth must be 56, 67 or 103 for FC_DENSENET (FC-DenseNet56, 67, 103), found " + depth);
            case DEEPLAB_V1 -> require(outputStride == 8, "outputStride must be 8 for DEEPLAB_V1 (its VGG16 keeps pool4 "
                    + "and pool5 at stride 1), found " + outputStride);
            case DEEPLAB_V2 -> require(outputStride == 8, "outputStride must be 8 for DEEPLAB_V2 (its ASPP rates 6-24 "
                    + "are for output stride 8), found " + outputStride);
            case DEEPLAB_V3, DEEPLAB_V3_PLUS -> require(outputStride == 8 || outputStride == 16,
                    "outputStride must be 8 or 16 for " + architecture + ", found " + outputStride);
            default -> {
                // FCN and SegNet have a fixed VGG16 depth; depth and outputStride are ignored
            }
        }
        require(padding == Padding.SAME || architecture == Architecture.UNET,
                "padding must be SAME for " + architecture + " (VALID is a U-Net option), found " + padding);
    }

    /** Which backbones an architecture takes, and the depths of each. */
    private static void requireBackboneFits(Architecture architecture, Backbone backbone, int depth) {
        if (!hasBackboneChoice(architecture)) {
            require(backbone == null, "backbone must not be set for " + architecture + " (its encoder is fixed; "
                    + "backbone selects the encoder of DEEPLAB_V2, DEEPLAB_V3 and DEEPLAB_V3_PLUS), found " + backbone);
            return;
        }
        Objects.requireNonNull(backbone, "backbone must be set for " + architecture);
        require(architecture != Architecture.DEEPLAB_V2 || backbone == Backbone.RESNET,
                "backbone must be RESNET for DEEPLAB_V2 (ResNet-101 in its paper), found " + backbone);
        switch (backbone) {
            case RESNET -> require(depth == 18 || depth == 34 || depth == 50 || depth == 101,
                    "depth must be 18, 34, 50 or 101 for " + architecture + " (ResNet depth), found " + depth);
            case XCEPTION -> require(depth == 65, "depth must be 65 for " + architecture + " on XCEPTION (aligned "
                    + "Xception-65), found " + depth);
        }
    }

    /** Multi-Grid, separable ASPP/decoder and multi-scale inputs, each where its paper defines it. */
    private static void requireDeepLabOptionsFit(Architecture architecture, Backbone backbone, int depth, boolean multiGrid,
                                                 boolean separableConvolutions, boolean multiScaleInputs) {
        boolean v3 = architecture == Architecture.DEEPLAB_V3 || architecture == Architecture.DEEPLAB_V3_PLUS;
        boolean threeUnitLastStage = backbone == Backbone.XCEPTION || (backbone == Backbone.RESNET && depth != 18);
        require(!multiGrid || (v3 && threeUnitLastStage), "multiGrid needs DEEPLAB_V3 or DEEPLAB_V3_PLUS on a backbone "
                + "whose last stage has three units (ResNet-34, -50, -101 or Xception-65), found " + architecture
                + " on " + encoder(architecture, backbone, depth));
        require(!separableConvolutions || v3, "separableConvolutions applies to the ASPP and decoder of DEEPLAB_V3 and "
                + "DEEPLAB_V3_PLUS, found " + architecture);
        require(!multiScaleInputs || architecture == Architecture.DEEPLAB_V2,
                "multiScaleInputs is DeepLab v2's multi-scale training (DEEPLAB_V2 only), found " + architecture);
    }

    /** True for the architectures whose encoder {@link #backbone()} selects. */
    public static boolean hasBackboneChoice(Architecture architecture) {
        return architecture == Architecture.DEEPLAB_V2 || architecture == Architecture.DEEPLAB_V3
                || architecture == Architecture.DEEPLAB_V3_PLUS;
    }

    /** The encoder in words, for messages: "ResNet-18", "Xception-65", "VGG16". */
    private static String encoder(Architecture architecture, Backbone backbone, int depth) {
        if (backbone == null) {
            return architecture == Architecture.UNET || architecture == Architecture.SEGNET_BASIC
                    || architecture == Architecture.FC_DENSENET ? "its own encoder" : "VGG16";
        }
        return (backbone == Backbone.RESNET ? "ResNet-" : "Xception-") + depth;
    }

    /** A builder starting from the defaults of {@code architecture}. */
    public static Builder builder(Architecture architecture, int numClasses) {
        return new Builder(architecture, numClasses);
    }

    /** A builder holding this spec's values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Channels of a layer whose canonical (paper) width is {@code canonical}, at least 1. */
    public int width(int canonical) {
        return Math.max(1, (int) Math.round(canonical * widthMultiplier));
    }

    /** True when the spec fixes the input size. */
    @JsonIgnore
    public boolean hasFixedInputSize() {
        return inputHeight > 0;
    }

    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write spec as JSON", e);
        }
    }

    /**
     * Reads a spec written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException naming the field, for malformed JSON or invalid values
     */
    public static SegmentationSpec fromJson(String json) {
        try {
            return JSON.readValue(json, SegmentationSpec.class);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("invalid segmentation spec: " + cause.getMessage(), e);
        } catch (com.fasterxml.jackson.databind.exc.InvalidFormatException e) {
            if (e.getTargetType() != null && e.getTargetType().isEnum() && !e.getPath().isEmpty()) {
                String field = e.getPath().get(e.getPath().size() - 1).getFieldName();
                throw new IllegalArgumentException(field + " must be one of " + Arrays.toString(e.getTargetType().getEnumConstants())
                        + ", found " + e.getValue(), e);
            }
            throw new IllegalArgumentException("invalid segmentation spec JSON: " + e.getOriginalMessage(), e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("invalid segmentation spec JSON: " + e.getOriginalMessage(), e);
        }
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * The per-pixel training loss.
     *
     * @param classWeights weight of each class in the cross-entropy, or null for all 1 (segpipe's
     *     data-prep manifest provides inverse and median frequency weights)
     * @param ignoreLabel label id whose pixels give no loss and no gradient, -1 for none (CamVid
     *     void = 11, Pascal VOC border = 255)
     * @param diceWeight weight of the soft Dice term added to the cross-entropy, in [0, 1] (0 = none)
     * @param borderWeight U-Net's border weights (Ronneberger et al., MICCAI 2015, eq. 2) added to the
     *     class weights of every pixel, or null for none (the default); see {@link BorderWeight}
     */
    public record LossSpec(double[] classWeights, int ignoreLabel, double diceWeight, BorderWeight borderWeight)
            implements Serializable {
        /** Without border weights. */
        public LossSpec(double[] classWeights, int ignoreLabel, double diceWeight) {
            this(classWeights, ignoreLabel, diceWeight, null);
        }

        public LossSpec {
            if (classWeights != null) {
                classWeights = classWeights.clone();
                for (int k = 0; k < classWeights.length; k++) {
                    require(classWeights[k] >= 0 && Double.isFinite(classWeights[k]),
                            "loss.classWeights[" + k + "] must be finite and >= 0, found " + classWeights[k]);
                }
            }
            require(ignoreLabel >= -1, "loss.ignoreLabel must be >= -1, found " + ignoreLabel);
            require(diceWeight >= 0 && diceWeight <= 1, "loss.diceWeight must be in [0, 1], found " + diceWeight);
        }

        /**
         * Binds configuration: an omitted {@code ignoreLabel} is -1 (none), an omitted {@code diceWeight} 0, an
         * omitted {@code borderWeight} none.
         */
        @JsonCreator
        static LossSpec fromJson(@com.fasterxml.jackson.annotation.JsonProperty("classWeights") double[] classWeights,
                                 @com.fasterxml.jackson.annotation.JsonProperty("ignoreLabel") Integer ignoreLabel,
                                 @com.fasterxml.jackson.annotation.JsonProperty("diceWeight") Double diceWeight,
                                 @com.fasterxml.jackson.annotation.JsonProperty("borderWeight") BorderWeight borderWeight) {
            return new LossSpec(classWeights, ignoreLabel == null ? -1 : ignoreLabel, diceWeight == null ? 0 : diceWeight,
                    borderWeight);
        }

        /** This loss with {@code borderWeight} (null for none). */
        public LossSpec withBorderWeight(BorderWeight borderWeight) {
            return new LossSpec(classWeights, ignoreLabel, diceWeight, borderWeight);
        }

        /** Plain cross-entropy: no weights, nothing ignored. */
        public static LossSpec crossEntropy() {
            return new LossSpec(null, -1, 0);
        }

        @Override
        public double[] classWeights() {
            return classWeights == null ? null : classWeights.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof LossSpec l && Arrays.equals(classWeights, l.classWeights)
                    && ignoreLabel == l.ignoreLabel && diceWeight == l.diceWeight
                    && Objects.equals(borderWeight, l.borderWeight);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(classWeights) + Objects.hash(ignoreLabel, diceWeight, borderWeight);
        }

        @Override
        public String toString() {
            return "LossSpec[classWeights=" + Arrays.toString(classWeights) + ", ignoreLabel=" + ignoreLabel
                    + ", diceWeight=" + diceWeight + ", borderWeight=" + borderWeight + "]";
        }
    }

    /**
     * The border weights of U-Net (Ronneberger, Fischer, Brox, "U-Net: Convolutional Networks for
     * Biomedical Image Segmentation", MICCAI 2015, eq. 2): a pixel x weighs
     * {@code w(x) = w_c(x) + w0 · exp(−(d1(x) + d2(x))² / (2σ²))} in the cross-entropy, where
     * {@code w_c} is its class weight ({@code loss.classWeights}) and d1, d2 are its Euclidean
     * distances (in pixels, between pixel centres) to the nearest and the second-nearest object. The
     * paper used it to make the network learn the thin membrane between touching cells of ISBI 2012.
     *
     * <p><b>Objects.</b> An object is a 4-connected component of the pixels of one class other than
     * {@code backgroundClass} (ISBI: the cells, class 1, separated by membrane, class 0); ignored
     * pixels belong to no object. Two touching regions of different foreground classes are two
     * objects; two regions of one class are two objects only where something else separates them
     * (4-connectivity: diagonal contact does not join them). With {@code backgroundClass = -1} every
     * class's components are objects. A pixel of an object is at distance 0 from it, so inside an
     * object the term is {@code w0 · exp(−d2² / (2σ²))}, largest on its rim next to another object.
     *
     * <p><b>Fewer than two objects.</b> The formula needs a second-nearest object: in an image (after
     * augmentation and cropping: the map is computed on the crop the network sees) with fewer than
     * two objects the term is 0 everywhere and the weights are the class weights alone. Terms below
     * 1e-6 are left out, which lets each object's exact distance transform run only over its
     * neighbourhood ({@link io.segpipe.model.loss.BorderWeightMap}).
     *
     * <p>Trade-offs: the term peaks at {@code w0} in the one-pixel gaps between objects and is about
     * 0.3 · w0 at a gap of 2σ; with w0 = 10 a membrane pixel in a narrow gap weighs about ten times a
     * pixel inside a cell, and so do the cells' rims next to it unless {@code backgroundOnly}. It
     * slows the decrease of the plain mean loss. The map costs about one
     * distance transform of a (σ-sized) neighbourhood per object and image on the executors.
     *
     * @param w0 the weight at a gap of 0, in [0, 1000] (paper: 10); 0 switches the term off
     * @param sigma the gap scale in pixels of the training crop, in (0, 1000] (paper: about 5)
     * @param backgroundClass the class whose pixels form no objects, -1 for none (default 0)
     * @param backgroundOnly the term on background pixels only (the gaps between objects), objects' rims
     *     keeping their class weight; needs a {@code backgroundClass} (default false: every pixel)
     */
    public record BorderWeight(double w0, double sigma, int backgroundClass, boolean backgroundOnly)
            implements Serializable {
        /** The paper's values: w0 = 10, σ = 5 pixels, background class 0, every pixel. */
        public static final BorderWeight PAPER = new BorderWeight(10, 5, 0);

        public BorderWeight {
            require(w0 >= 0 && w0 <= 1000, "loss.borderWeight.w0 must be in [0, 1000], found " + w0);
            require(sigma > 0 && sigma <= 1000, "loss.borderWeight.sigma must be in (0, 1000] pixels, found " + sigma);
            require(backgroundClass >= -1, "loss.borderWeight.backgroundClass must be -1 (none) or a class id, found "
                    + backgroundClass);
            require(!backgroundOnly || backgroundClass >= 0,
                    "loss.borderWeight.backgroundOnly needs a backgroundClass (found -1: every class forms objects)");
        }

        /** The term on every pixel. */
        public BorderWeight(double w0, double sigma, int backgroundClass) {
            this(w0, sigma, backgroundClass, false);
        }

        /** Whether pixel {@code id}'s class takes the border term. */
        public boolean weighs(int id) {
            return !backgroundOnly || id == backgroundClass;
        }

        /** Binds configuration: omitted keys take the paper's values. */
        @JsonCreator
        static BorderWeight fromJson(@com.fasterxml.jackson.annotation.JsonProperty("w0") Double w0,
                                     @com.fasterxml.jackson.annotation.JsonProperty("sigma") Double sigma,
                                     @com.fasterxml.jackson.annotation.JsonProperty("backgroundClass") Integer backgroundClass,
                                     @com.fasterxml.jackson.annotation.JsonProperty("backgroundOnly") Boolean backgroundOnly) {
            return new BorderWeight(w0 == null ? PAPER.w0 : w0, sigma == null ? PAPER.sigma : sigma,
                    backgroundClass == null ? PAPER.backgroundClass : backgroundClass,
                    backgroundOnly == null ? PAPER.backgroundOnly : backgroundOnly);
        }
    }

    /**
     * Builds a spec from an architecture's defaults; {@link #build()} validates. JSON and HOCON
     * configuration bind through it too, so omitted keys take these defaults.
     */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private Architecture architecture;
        private int numClasses;
        private int inputChannels = 3;
        private int inputHeight;
        private int inputWidth;
        private double widthMultiplier = 1.0;
        private boolean batchNorm = true;
        /** 0 = the architecture's (and backbone's) default, resolved in {@link #build()}. */
        private int depth;
        /** 0 = the architecture's default (8 for DeepLab v1 and v2, 16 otherwise). */
        private int outputStride;
        /** null = RESNET where the architecture takes a backbone, none otherwise. */
        private Backbone backbone;
        private boolean multiGrid;
        /** null = the backbone's default: on for Xception, off otherwise. */
        private Boolean separableConvolutions;
        private boolean multiScaleInputs;
        private ContextModule contextModule = ContextModule.NONE;
        private DeepSupervision deepSupervision;
        private Padding padding = Padding.SAME;
        private double dropout;
        private WeightInit weightInit = WeightInit.RELU;
        private long seed = 42;
        private LossSpec loss = LossSpec.crossEntropy();

        private Builder(Architecture architecture, int numClasses) {
            this.architecture = architecture;
            this.numClasses = numClasses;
        }

        @JsonCreator
        private Builder() {
        }

        private Builder(SegmentationSpec s) {
            architecture = s.architecture;
            numClasses = s.numClasses;
            inputChannels = s.inputChannels;
            inputHeight = s.inputHeight;
            inputWidth = s.inputWidth;
            widthMultiplier = s.widthMultiplier;
            batchNorm = s.batchNorm;
            depth = s.depth;
            outputStride = s.outputStride;
            backbone = s.backbone;
            multiGrid = s.multiGrid;
            separableConvolutions = s.separableConvolutions;
            multiScaleInputs = s.multiScaleInputs;
            contextModule = s.contextModule;
            deepSupervision = s.deepSupervision;
            padding = s.padding;
            dropout = s.dropout;
            weightInit = s.weightInit;
            seed = s.seed;
            loss = s.loss;
        }

        public Builder architecture(Architecture v) { architecture = v; return this; }
        public Builder numClasses(int v) { numClasses = v; return this; }
        public Builder inputChannels(int v) { inputChannels = v; return this; }
        public Builder inputSize(int height, int width) { inputHeight = height; inputWidth = width; return this; }
        public Builder inputHeight(int v) { inputHeight = v; return this; }
        public Builder inputWidth(int v) { inputWidth = v; return this; }
        public Builder widthMultiplier(double v) { widthMultiplier = v; return this; }
        public Builder batchNorm(boolean v) { batchNorm = v; return this; }
        public Builder depth(int v) { depth = v; return this; }
        public Builder outputStride(int v) { outputStride = v; return this; }
        public Builder backbone(Backbone v) { backbone = v; return this; }
        public Builder multiGrid(boolean v) { multiGrid = v; return this; }
        public Builder separableConvolutions(Boolean v) { separableConvolutions = v; return this; }
        public Builder multiScaleInputs(boolean v) { multiScaleInputs = v; return this; }
        public Builder contextModule(ContextModule v) { contextModule = v; return this; }
        public Builder deepSupervision(DeepSupervision v) { deepSupervision = v; return this; }
        public Builder padding(Padding v) { padding = v; return this; }
        public Builder dropout(double v) { dropout = v; return this; }
        public Builder weightInit(WeightInit v) { weightInit = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder loss(LossSpec v) { loss = v; return this; }

        public SegmentationSpec build() {
            Objects.requireNonNull(architecture, "architecture must be set");
            Backbone resolvedBackbone = backbone != null || !hasBackboneChoice(architecture) ? backbone : Backbone.RESNET;
            int resolvedDepth = depth != 0 ? depth : defaultDepth(architecture, resolvedBackbone);
            int resolvedStride = outputStride != 0 ? outputStride
                    : architecture == Architecture.DEEPLAB_V1 || architecture == Architecture.DEEPLAB_V2 ? 8 : 16;
            boolean resolvedSeparable = separableConvolutions != null ? separableConvolutions
                    : resolvedBackbone == Backbone.XCEPTION;
            return new SegmentationSpec(architecture, numClasses, inputChannels, inputHeight, inputWidth,
                    widthMultiplier, batchNorm, resolvedDepth, resolvedStride, resolvedBackbone, multiGrid,
                    resolvedSeparable, multiScaleInputs, contextModule, deepSupervision, padding, dropout, weightInit, seed, loss);
        }

        /**
         * ResNet-101 for DeepLab v2 (its paper's), ResNet-50 or Xception-65 for v3 and v3+, FC-DenseNet103 (the
         * paper's best), U-Net's 4 levels otherwise.
         */
        private static int defaultDepth(Architecture architecture, Backbone backbone) {
            if (backbone == Backbone.XCEPTION && hasBackboneChoice(architecture)) {
                return 65;
            }
            return switch (architecture) {
                case DEEPLAB_V2 -> 101;
                case DEEPLAB_V3, DEEPLAB_V3_PLUS -> 50;
                case FC_DENSENET -> 103;
                default -> 4;
            };
        }
    }
}
