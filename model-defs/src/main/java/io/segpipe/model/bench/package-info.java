/**
 * Measuring networks: FLOPs counted from the layers, training and inference throughput, the SGEMM
 * ceiling of the machine, and the backend benchmark of the reference U-Net.
 */
package io.segpipe.model.bench;
