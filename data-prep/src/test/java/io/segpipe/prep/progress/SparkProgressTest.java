package io.segpipe.prep.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.SparkJobs;

/** Progress lines come per finished partition and, while nothing finishes, at least every heartbeat. */
@ExtendWith(LocalSpark.class)
class SparkProgressTest {

    private static SparkContext sc() {
        return LocalSpark.session().sparkContext();
    }

    private static JavaRDD<Integer> numbers(int n, int partitions) {
        return JavaSparkContext.fromSparkContext(sc()).parallelize(IntStream.range(0, n).boxed().toList(), partitions);
    }

    @Test
    void aLinePerFinishedPartitionWithTheCountsOfTheTasks() throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        SparkProgress.Builder builder = SparkProgress.builder(sc(), "segpipe test", "rows").total(40).output(lines::add)
                .minInterval(Duration.ZERO).heartbeat(Duration.ofHours(1));
        Progress last;
        try (SparkProgress progress = builder.start(); SparkJobs jobs = SparkJobs.record(sc())) {
            long sum = progress.counted(numbers(40, 4)).map(i -> i * 2).reduce(Integer::sum);
            assertEquals(2 * (39 * 40 / 2), sum, "counting does not change the data");
            jobs.descriptions(); // every event delivered
            last = progress.snapshot();
        }
        assertEquals(40, last.done());
        assertEquals(4, last.tasksDone());
        assertEquals(4, last.tasks());
        assertEquals(4, lines.size(), "one line per partition: " + lines);
        assertTrue(lines.get(3).startsWith("segpipe test: 40/40 rows (100.0%), "), lines.get(3));
        assertTrue(lines.get(3).contains(" rows/s, 4/4 partitions, elapsed "), lines.get(3));
        assertTrue(lines.get(3).endsWith("ETA 00:00:00"), lines.get(3));
    }

    @Test
    void whileNoPartitionFinishesTheHeartbeatKeepsReporting() throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        try (SparkProgress progress = SparkProgress.builder(sc(), "segpipe slow", "rows").total(2).output(lines::add)
                .heartbeat(Duration.ofMillis(200)).minInterval(Duration.ofHours(1)).start()) {
            progress.counted(numbers(2, 1)).foreach(i -> Thread.sleep(1500));
        }
        assertTrue(lines.size() >= 3, "a line about every 200 ms during 1.5 s: " + lines);
        assertTrue(lines.get(0).matches("segpipe slow: 0/2 rows \\(0\\.0%\\), 0\\.00 rows/s(, 0/1 partitions)?, elapsed"
                + " 00:00:0\\d, ETA unknown"), lines.get(0));
    }

    @Test
    void aLineFormatThatFailsNeverFailsTheJob() {
        try (SparkProgress progress = SparkProgress.builder(sc(), "segpipe broken", "rows")
                .format(p -> { throw new IllegalStateException("broken"); }).minInterval(Duration.ZERO).start()) {
            assertEquals(10, progress.counted(numbers(10, 2)).count());
        }
    }

    @Test
    void aDescriptionHoldsForTheJobsStartedInsideItAndTheOuterOneIsRestored() {
        try (SparkJobs jobs = SparkJobs.record(sc())) {
            try (JobDescription outer = JobDescription.set(sc(), "segpipe test")) {
                numbers(4, 2).count();
                try (JobDescription inner = JobDescription.set(sc(), "segpipe test: phase 2")) {
                    numbers(4, 2).count();
                }
                numbers(4, 2).count();
            }
            numbers(4, 2).count();
            assertEquals(java.util.Arrays.asList("segpipe test", "segpipe test: phase 2", "segpipe test", null),
                    jobs.descriptions());
        }
        assertNull(JobDescription.current(sc()));
    }
}
