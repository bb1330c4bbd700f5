package io.segpipe.model.spec;

/**
 * The encoder of DeepLab v2, v3 and v3+ ({@link SegmentationSpec#backbone()}); the other
 * architectures have a fixed encoder (FCN, SegNet and DeepLab v1 VGG-16, U-Net its own).
 */
public enum Backbone {
    /**
     * ResNet (He et al., "Deep Residual Learning for Image Recognition", CVPR 2016) of depth 18,
     * 34, 50 or 101, dilated in its last stage(s) to the output stride.
     */
    RESNET,
    /**
     * Aligned Xception-65 (Chen et al., "Encoder-Decoder with Atrous Separable Convolution for
     * Semantic Image Segmentation", ECCV 2018, section 3.2, after Chollet's Xception, CVPR 2017):
     * depthwise separable convolutions throughout, strided instead of pooled, atrous in the exit
     * flow (and the middle flow at output stride 8). Depth 65.
     */
    XCEPTION
}
