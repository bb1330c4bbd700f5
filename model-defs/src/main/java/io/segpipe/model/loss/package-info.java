/**
 * Per-pixel segmentation losses for DL4J's {@code CnnLossLayer}, as {@code ILossFunction}s:
 * softmax cross-entropy with class weights and an ignore label
 * ({@link io.segpipe.model.loss.WeightedCrossEntropyLoss}), soft multi-class Dice
 * ({@link io.segpipe.model.loss.SoftDiceLoss}), their weighted sum
 * ({@link io.segpipe.model.loss.CrossEntropyDiceLoss}), and U-Net's border weight map
 * ({@link io.segpipe.model.loss.BorderWeightMap}).
 *
 * <p><b>Ignored pixels.</b> Labels are one-hot {@code [N, K, H, W]}; a pixel to ignore (for example
 * CamVid's void) has an <em>all-zero</em> label vector, so no separate mask is needed. DL4J's per-pixel
 * label mask {@code [N, 1, H, W]} is honoured as well: a pixel counts with weight
 * {@code mask · Σ_k label_k}, which is 1 for a labelled unmasked pixel and 0 for an ignored or masked
 * one. Ignored pixels contribute neither loss nor gradient (exactly zero). A mask value other than 0
 * and 1 is a per-pixel weight of the cross-entropy: U-Net's border weights
 * ({@link io.segpipe.model.loss.BorderWeightMap}) reach the loss this way; the mean is still over the
 * number of counted pixels (weight > 0), and soft Dice only counts such pixels.
 *
 * <p><b>Scale.</b> CnnLossLayer divides a loss's summed score by the number of images N and DL4J's
 * updater divides gradients by N. Each loss here reports {@code R × (its mean over non-ignored
 * pixels)}, where R = N·H·W rows, so the network's score is {@code H·W × mean}: exactly DL4J's
 * {@code LossMCXENT} when nothing is ignored, and not shrunk when many pixels are ignored. The plain
 * mean per pixel is {@code computeScore(..., average = true)}.
 */
package io.segpipe.model.loss;
