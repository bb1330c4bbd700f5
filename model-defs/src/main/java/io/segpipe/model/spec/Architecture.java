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
    /** DeepLab v3, Chen et al. 2017: atrous ResNet + ASPP. */
    DEEPLAB_V3,
    /** DeepLab v3+, Chen et al. 2018: v3 plus a decoder with low-level features. */
    DEEPLAB_V3_PLUS
}
