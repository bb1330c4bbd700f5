package io.segpipe.prep.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.prep.progress.SparkProgress;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.LogLines;
import io.segpipe.prep.testkit.SparkJobs;
import io.segpipe.prep.testkit.TinyDatasets;

/** What prep tells its operator: a description on every Spark job, and progress lines with rate and ETA. */
@ExtendWith(LocalSpark.class)
class PrepReportingTest {

    @TempDir
    Path tmp;

    @Test
    void everyJobIsDescribedAndEveryShardLogsAProgressLine() throws Exception {
        String previous = System.setProperty(SparkProgress.MIN_INTERVAL_PROPERTY, "0");
        try (SparkJobs jobs = SparkJobs.record(LocalSpark.session().sparkContext()); LogLines log = LogLines.capture()) {
            PrepJob.run(PrepConfig.builder().input(TinyDatasets.synthetic(tmp.resolve("in"), 10, 16, 1))
                    .output(tmp.resolve("ds").toString()).classes(SyntheticDatasetGenerator.classTable()).shardCount(2)
                    .build(), LocalSpark.session());
            List<String> descriptions = jobs.descriptions();
            assertFalse(descriptions.isEmpty());
            assertTrue(descriptions.stream().allMatch(d -> d != null && d.startsWith("segpipe prep")), descriptions.toString());
            assertTrue(descriptions.contains("segpipe prep: decode, validate and write 10 pairs"), descriptions.toString());
            List<String> progress = log.messages().stream().filter(m -> m.startsWith("segpipe prep: ")).toList();
            assertTrue(progress.stream().anyMatch(m -> m.matches("segpipe prep: 10/10 pairs \\(100\\.0%\\), [0-9.]+ pairs/s, "
                    + "(\\d+)/\\1 partitions, elapsed \\d\\d:\\d\\d:\\d\\d, ETA 00:00:00")), log.messages().toString());
        } finally {
            if (previous == null) {
                System.clearProperty(SparkProgress.MIN_INTERVAL_PROPERTY);
            } else {
                System.setProperty(SparkProgress.MIN_INTERVAL_PROPERTY, previous);
            }
        }
    }
}
