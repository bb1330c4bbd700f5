/**
 * Graph vertices DL4J 1.0.0-M2.1 lacks for semantic segmentation, each a configuration class
 * (JSON-serialisable by {@code ComputationGraphConfiguration.toJson}) with a package-private
 * implementation: bilinear resizing with a gradient ({@link io.segpipe.model.layers.BilinearResizeVertex}),
 * crop-to-match ({@link io.segpipe.model.layers.CropToMatchVertex}), SegNet max-unpooling
 * ({@link io.segpipe.model.layers.MaxUnpoolingVertex}) and atrous convolution on the fast oneDNN path
 * ({@link io.segpipe.model.layers.Atrous}). All work on NCHW activations and have no parameters.
 */
package io.segpipe.model.layers;
