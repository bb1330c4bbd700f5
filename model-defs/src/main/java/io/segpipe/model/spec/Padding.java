package io.segpipe.model.spec;

/** Convolution padding of architectures that offer both (U-Net). */
public enum Padding {
    /** Output of every convolution has its input's size; the network's output matches the input. */
    SAME,
    /** No padding, as in the U-Net paper: every 3x3 convolution loses a 1-pixel border and skips are cropped. */
    VALID
}
