/**
 * What a running job tells its operator: a description on every Spark job it starts
 * ({@link io.segpipe.prep.progress.JobDescription}, shown in the Spark UI and event log), and
 * progress lines with rate and ETA computed on the driver from the tasks' counters
 * ({@link io.segpipe.prep.progress.SparkProgress}). Used by prep, evaluation, scoring and training.
 */
package io.segpipe.prep.progress;
