package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.spark.SparkContext;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.segpipe.prep.testkit.LocalSpark;

/**
 * The watchdog's decision on a fake clock, and its cancellation on real (local) Spark: a job whose
 * tasks would wait a minute fails within seconds once the limit passes without executors. The whole
 * path on a cluster whose workers are all killed is {@code AllWorkersLostIT}.
 */
@ExtendWith(LocalSpark.class)
class ExecutorWatchdogTest {

    private static long seconds(double s) {
        return (long) (s * 1e9);
    }

    @Test
    void onlyAnUninterruptedSpellWithoutExecutorsCountsAndTheCancellationRepeats() {
        AtomicInteger executors = new AtomicInteger(2);
        AtomicLong now = new AtomicLong();
        AtomicInteger cancels = new AtomicInteger();
        ExecutorWatchdog w = new ExecutorWatchdog(10, executors::get, now::get, cancels::incrementAndGet, false);
        w.check();
        executors.set(0);
        w.check(); // the spell starts at 0 s
        now.set(seconds(9.9));
        w.check();
        executors.set(1);
        now.set(seconds(9.95));
        w.check(); // an executor came back: the spell is over
        executors.set(0);
        now.set(seconds(10));
        w.check(); // a new spell starts at 10 s
        now.set(seconds(19.99));
        w.check();
        assertFalse(w.fired());
        assertEquals(0, cancels.get());
        now.set(seconds(20));
        w.check();
        assertTrue(w.fired(), "10 s without executors");
        assertEquals(1, cancels.get());
        executors.set(1);
        w.check();
        assertEquals(2, cancels.get(), "a job started after the cancellation is cancelled too");
        assertTrue(w.fired());
    }

    @Test
    void aLimitOfZeroNeverFires() {
        AtomicLong now = new AtomicLong();
        AtomicInteger cancels = new AtomicInteger();
        ExecutorWatchdog w = new ExecutorWatchdog(0, () -> 0, now::get, cancels::incrementAndGet, false);
        for (int i = 0; i < 5; i++) {
            now.addAndGet(seconds(3600));
            w.check();
        }
        assertFalse(w.fired());
        assertEquals(0, cancels.get());
    }

    @Test
    void aRunningJobFailsWithinSecondsOnceTheLimitPassesAndTheRunSaysWhy() {
        SparkContext sc = LocalSpark.session().sparkContext();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
        long start = System.nanoTime();
        try (ExecutorWatchdog w = new ExecutorWatchdog(1, () -> 0, System::nanoTime, sc::cancelAllJobs, true)) {
            ExecutorsLostException e = assertThrows(ExecutorsLostException.class, () -> w.guard(() -> {
                jsc.parallelize(List.of(1, 2), 2).foreach(x -> waitUntilKilled());
                return "trained";
            }, () -> "no checkpoint was written"));
            double took = (System.nanoTime() - start) / 1e9;
            assertTrue(took < 20, "failed after " + took + " s, the tasks would have waited 60 s");
            assertTrue(w.fired());
            assertEquals("no executor for 1 s (maxSecondsWithoutExecutors): the cluster lost every executor of this"
                    + " application (or granted none); training stopped and wrote no model; no checkpoint was written",
                    e.getMessage());
            // Spark's checked exception, thrown undeclared through the Java API as through DL4J's fit
            assertTrue(e.getCause() instanceof SparkException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getMessage().contains("cancelled as part of cancellation of all jobs"),
                    e.getCause().getMessage());
        }
        assertEquals(3, jsc.parallelize(List.of(1, 2, 3), 2).count(), "closed: jobs run again");
    }

    @Test
    void failuresWhileExecutorsAreThereAreNotTranslated() {
        ExecutorWatchdog w = new ExecutorWatchdog(1, () -> 2, System::nanoTime, () -> { }, false);
        IOException io = new IOException("disk full");
        assertSame(io, assertThrows(IOException.class, () -> w.guard(() -> {
            throw io;
        }, () -> "unused")));
        IllegalStateException state = new IllegalStateException("too many corrupt rows");
        assertSame(state, assertThrows(IllegalStateException.class, () -> w.guard(() -> {
            throw state;
        }, () -> "unused")));
    }

    @Test
    void aLocalMasterIsNotWatched() throws InterruptedException {
        SparkContext sc = LocalSpark.session().sparkContext();
        try (ExecutorWatchdog w = ExecutorWatchdog.start(sc, 1)) {
            Thread.sleep(2500);
            assertFalse(w.fired(), "local tasks run in the driver, which has no executor list");
            assertEquals(2, JavaSparkContext.fromSparkContext(sc).parallelize(List.of(1, 2), 2).count());
        }
    }

    /** A task that ends when Spark kills it, or after a minute. */
    private static void waitUntilKilled() throws InterruptedException {
        TaskContext task = TaskContext.get();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!task.isInterrupted() && System.nanoTime() < end) {
            Thread.sleep(50);
        }
    }
}
