/**
 * The on-disk contract of a prepared dataset: the versioned Parquet shard schema
 * ({@link io.segpipe.prep.schema.ShardSchema}), the class table
 * ({@link io.segpipe.prep.schema.ClassTable}) and the manifest written beside the data
 * ({@link io.segpipe.prep.schema.DatasetManifest}). Every reader checks these before doing work.
 */
package io.segpipe.prep.schema;
