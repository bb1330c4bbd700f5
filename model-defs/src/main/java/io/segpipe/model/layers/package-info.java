/**
 * Graph vertices and layers DL4J 1.0.0-M2.1 lacks for semantic segmentation, each a configuration class
 * (JSON-serialisable by {@code ComputationGraphConfiguration.toJson}) with a package-private
 * implementation: bilinear resizing with a gradient ({@link io.segpipe.model.layers.BilinearResizeVertex}),
 * crop-to-match ({@link io.segpipe.model.layers.CropToMatchVertex}), SegNet max-unpooling
 * ({@link io.segpipe.model.layers.MaxUnpoolingVertex}) and atrous convolution on the fast oneDNN path
 * ({@link io.segpipe.model.layers.Atrous}, plain and depthwise). All work on NCHW activations and have
 * no parameters. The bilinear resize is also public on its own
 * ({@link io.segpipe.model.layers.BilinearInterpolation#resize}), for multi-scale inference.
 *
 * <p>Two layers fix DL4J layers for this use: {@link io.segpipe.model.layers.BatchNormRelu} (DL4J's
 * batch norm ignores its activation) and {@link io.segpipe.model.layers.LinearConvolution} (a
 * convolution without activation that needs no copy of its output for backprop).
 *
 * <p>DeepLab v2's multi-scale inputs with shared weights, which DL4J's graphs cannot express, are a
 * layer that holds the shared network ({@link io.segpipe.model.layers.MultiScaleLayer}) and an output
 * layer that supervises each of its stacked outputs ({@link io.segpipe.model.layers.MultiScaleLossLayer}).
 *
 * <p>FC-DenseNet's dense block is one layer ({@link io.segpipe.model.layers.DenseBlock}) whose memory
 * grows with the block's length instead of its square: one concatenation written in place, batch
 * norm recomputed in backprop (Pleiss et al., "Memory-Efficient Implementation of DenseNets", 2017).
 */
package io.segpipe.model.layers;
