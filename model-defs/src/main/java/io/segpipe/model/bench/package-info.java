/**
 * Measuring networks: FLOPs counted from the layers, training and inference throughput, the SGEMM
 * ceiling of the machine, the backend benchmark of the reference U-Net, and the convolution gate:
 * one convolution trained through oneDNN directly (bytedeco's presets, NHWC) against the current path.
 */
package io.segpipe.model.bench;
