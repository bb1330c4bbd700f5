/** Helpers the spark-jobs tests share that are about no one job: capturing what a class logs. */
package io.segpipe.jobs.testkit;
