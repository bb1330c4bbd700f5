/**
 * The executor-side input pipeline of training: decoding that skips bad rows
 * ({@link io.segpipe.jobs.data.Decoding}, shared with evaluation and scoring;
 * {@link io.segpipe.jobs.data.CorruptRowFilter} for shard rows), augmentation
 * ({@link io.segpipe.jobs.data.Augmenter}: random scale, crop padded with the ignore label, flip,
 * photometric jitter, elastic deformation) and batching into DL4J minibatches
 * ({@link io.segpipe.jobs.data.Batches}: NCHW features, one-hot labels with the ignore label as an
 * all-zero row).
 */
package io.segpipe.jobs.data;
