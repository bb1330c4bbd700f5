package io.segpipe.model.spec;

/** The network families segpipe builds; each has one builder class in {@code io.segpipe.model.arch}. */
public enum Architecture {
    /** FCN-32s, Long, Shelhamer, Darrell 2015: VGG16 backbone, one 32x up-sampling. */
    FCN32S,
    /** FCN-16s: adds the pool4 skip. */
    FCN16S,
    /** FCN-8s: adds the pool3 and pool4 skips. */
    FCN8S,
    /** U-Net, Ronneberger et al. 2015. */
    UNET,
    /** SegNet, Badrinarayanan et al. 2017: VGG16 encoder, decoder up-sampling by pooling indices. */
    SEGNET,
    /** SegNet-Basic: 4 levels, 64 filters, 7x7 kernels (the paper's smaller variant). */
    SEGNET_BASIC,
    /**
     * DeepLab v1 "LargeFOV", Chen et al., ICLR 2015: VGG16 with atrous conv5 and fc6, output
     * stride 8, bilinear up-sampling of the class scores.
     */
    DEEPLAB_V1,
    /**
     * DeepLab v2, Chen et al., TPAMI 2018: atrous ResNet-101 and ASPP (four 3x3 classifiers at
     * rates 6, 12, 18, 24, summed), optionally trained on inputs at three scales.
     */
    DEEPLAB_V2,
    /** DeepLab v3, Chen et al. 2017: atrous ResNet (or aligned Xception) + ASPP with image pooling. */
    DEEPLAB_V3,
    /** DeepLab v3+, Chen et al. 2018: v3 plus a decoder with low-level features; aligned Xception-65 its paper's backbone. */
    DEEPLAB_V3_PLUS,
    /**
     * FC-DenseNet ("Tiramisu"), Jégou et al., CVPR Workshops 2017: dense blocks in a U-shaped
     * encoder-decoder with 5 poolings; {@code depth} 56, 67 or 103 selects the paper's configuration.
     */
    FC_DENSENET
}
