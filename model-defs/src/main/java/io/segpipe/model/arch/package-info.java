/**
 * One small builder class per architecture family, each composed from {@link io.segpipe.model.arch.Blocks}
 * (and {@link io.segpipe.model.arch.ResNet} for DeepLab's backbone), reached through the single
 * entry point {@link io.segpipe.model.arch.Architectures#build}:
 * {@link io.segpipe.model.arch.Fcn} (FCN-32s/16s/8s), {@link io.segpipe.model.arch.UNet},
 * {@link io.segpipe.model.arch.SegNet} (SegNet, SegNet-Basic) and
 * {@link io.segpipe.model.arch.DeepLab} (v3, v3+). Every network has one input {@code "input"}
 * (NCHW images) and one output {@code "output"}: per-pixel class probabilities {@code [N, K, H, W]}
 * with the spec's loss. Custom vertices and losses come from {@code io.segpipe.model.layers} and
 * {@code io.segpipe.model.loss}.
 */
package io.segpipe.model.arch;
