/**
 * Test fixtures shipped in the data-prep test-jar for spark-jobs and integration-tests: a shared
 * local Spark session ({@link io.segpipe.prep.testkit.LocalSpark}), tiny synthetic and hand-made
 * bad datasets ({@link io.segpipe.prep.testkit.TinyDatasets}), prepared datasets damaged after prep
 * ({@link io.segpipe.prep.testkit.DamagedDatasets}), the location of the real
 * datasets ({@link io.segpipe.prep.testkit.SharedData}), and what a job tells its operator: the
 * lines it logs ({@link io.segpipe.prep.testkit.LogLines}) and the descriptions of the Spark jobs
 * it starts ({@link io.segpipe.prep.testkit.SparkJobs}).
 */
package io.segpipe.prep.testkit;
