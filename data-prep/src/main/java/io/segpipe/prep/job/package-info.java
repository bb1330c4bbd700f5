/**
 * The prep job: {@link io.segpipe.prep.job.PrepConfig} (every option, its default and its
 * validation), {@link io.segpipe.prep.job.PrepJob#run} (list on the driver, decode and validate on
 * executors, write Parquet shards, manifest and quarantine, publish atomically) and the small
 * pieces it is made of (label mapping, geometry, split assignment, per-sample processing).
 */
package io.segpipe.prep.job;
