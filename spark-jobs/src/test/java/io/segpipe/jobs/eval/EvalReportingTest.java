package io.segpipe.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.prep.progress.SparkProgress;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.LogLines;
import io.segpipe.prep.testkit.SparkJobs;

/** What evaluation tells its operator: every Spark job described, and progress lines with rate and ETA. */
@ExtendWith(LocalSpark.class)
class EvalReportingTest {
    @TempDir
    Path tmp;

    @Test
    void everyJobIsDescribedAndPartitionsReportProgress() throws Exception {
        String data = EvalFixtures.syntheticDataset(LocalSpark.session(), tmp.resolve("data"), 8, 24);
        String model = EvalFixtures.tinyModel(tmp.resolve("model"), EvalFixtures.tinySpec(4, 3));
        String previous = System.setProperty(SparkProgress.MIN_INTERVAL_PROPERTY, "0");
        try (SparkJobs jobs = SparkJobs.record(LocalSpark.session().sparkContext()); LogLines log = LogLines.capture()) {
            EvalJob.run(EvalConfig.builder().model(model).data(data).output(tmp.resolve("report").toString()).examples(2)
                    .build(), LocalSpark.session());
            List<String> descriptions = jobs.descriptions();
            assertTrue(descriptions.stream().allMatch(d -> d != null && d.startsWith("segpipe eval")), descriptions.toString());
            assertTrue(descriptions.contains("segpipe eval: evaluate 8 images of split val"), descriptions.toString());
            assertTrue(log.messages().stream().anyMatch(m -> m.matches("segpipe eval: 8/8 images \\(100\\.0%\\), [0-9.]+ "
                    + "images/s, (\\d+)/\\1 partitions, elapsed \\d\\d:\\d\\d:\\d\\d, ETA 00:00:00")), log.messages().toString());
        } finally {
            restore(previous);
        }
    }

    static void restore(String previous) {
        if (previous == null) {
            System.clearProperty(SparkProgress.MIN_INTERVAL_PROPERTY);
        } else {
            System.setProperty(SparkProgress.MIN_INTERVAL_PROPERTY, previous);
        }
    }
}
