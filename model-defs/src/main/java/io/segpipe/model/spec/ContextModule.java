package io.segpipe.model.spec;

/**
 * The context module of Yu and Koltun, "Multi-Scale Context Aggregation by Dilated Convolutions",
 * ICLR 2016, section 3 and Table 1, as a head on a network's class scores: 7 layers of 3x3
 * convolutions at dilations 1, 1, 2, 4, 8, 16, 1, each followed by ReLU, then a 1x1 convolution back
 * to the C = numClasses channels of the scores; initialised to pass its input through.
 */
public enum ContextModule {
    /** No context module: the network as its architecture defines it (the default). */
    NONE,
    /** The basic module: C channels in every layer, identity initialisation (the paper's equation 4). */
    BASIC,
    /**
     * The large module: widths 2C, 2C, 4C, 8C, 16C, 32C, 32C, then C; the paper's generalised identity
     * initialisation with a little Gaussian noise (its equation 5).
     */
    LARGE
}
