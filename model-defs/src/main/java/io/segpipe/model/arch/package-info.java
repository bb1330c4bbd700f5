/**
 * One small builder class per architecture family, each composed from {@link io.segpipe.model.arch.Blocks},
 * reached through the single entry point {@link io.segpipe.model.arch.Architectures#build}:
 * {@link io.segpipe.model.arch.Fcn} (FCN-32s/16s/8s), {@link io.segpipe.model.arch.UNet},
 * {@link io.segpipe.model.arch.SegNet} (SegNet, SegNet-Basic), {@link io.segpipe.model.arch.DeepLabV1}
 * (LargeFOV), {@link io.segpipe.model.arch.DeepLabV2} and {@link io.segpipe.model.arch.DeepLab} (v3, v3+),
 * the last two on the encoders of {@link io.segpipe.model.arch.Backbones} ({@link io.segpipe.model.arch.ResNet},
 * {@link io.segpipe.model.arch.Xception}). Every network has one input {@code "input"}
 * (NCHW images) and one output {@code "output"}: per-pixel class probabilities {@code [N, K, H, W]}
 * with the spec's loss. Custom vertices and losses come from {@code io.segpipe.model.layers} and
 * {@code io.segpipe.model.loss}.
 */
package io.segpipe.model.arch;
