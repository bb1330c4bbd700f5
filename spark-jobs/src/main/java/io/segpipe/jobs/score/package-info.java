/**
 * Batch scoring: a model applied to a prepared dataset or to a folder/glob of images at cluster
 * scale, writing Parquet (id, predicted label map as PNG, per-class pixel fractions, confidence,
 * mask file name) and optionally masks (indexed PNGs: pixel = class id, palette = class colours);
 * resumable, written atomically per partition.
 * A run writes only inside its output and masks folder (mask names from {@link
 * io.segpipe.jobs.score.MaskNames}, locations apart from what it reads), holds a lock on both,
 * replaces them only after it has completed, and marks them complete last.
 */
package io.segpipe.jobs.score;
