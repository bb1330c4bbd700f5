/**
 * Batch scoring: a model applied to a prepared dataset or to a folder/glob of images at cluster
 * scale, writing Parquet (id, predicted label map as PNG, per-class pixel fractions, confidence)
 * and optionally coloured PNG masks; resumable, written atomically per partition.
 */
package io.segpipe.jobs.score;
