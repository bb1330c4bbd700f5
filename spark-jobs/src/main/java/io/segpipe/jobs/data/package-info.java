/**
 * The executor-side input pipeline shared by training, evaluation and scoring: corrupt-row-tolerant
 * decoding ({@link io.segpipe.jobs.data.CorruptRowFilter}), augmentation
 * ({@link io.segpipe.jobs.data.Augmenter}: random scale, crop padded with the ignore label, flip,
 * photometric jitter, elastic deformation) and batching into DL4J DataSets
 * ({@link io.segpipe.jobs.data.Batches}: NCHW features, one-hot labels with the ignore label as an
 * all-zero row).
 */
package io.segpipe.jobs.data;
