package io.segpipe.jobs.score;

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

/** What scoring tells its operator: every Spark job described, and progress lines with rate and ETA. */
@ExtendWith(LocalSpark.class)
class ScoreReportingTest {
    @TempDir
    Path tmp;

    @Test
    void everyJobIsDescribedAndPartitionsReportProgress() throws Exception {
        String model = ScoreFixtures.model(tmp.resolve("model"));
        Path images = ScoreFixtures.folder(tmp.resolve("images"), 6);
        String previous = System.setProperty(SparkProgress.MIN_INTERVAL_PROPERTY, "0");
        try (SparkJobs jobs = SparkJobs.record(LocalSpark.session().sparkContext()); LogLines log = LogLines.capture()) {
            ScoreJob.run(ScoreConfig.builder().model(model).images(images.toString()).output(tmp.resolve("out").toString())
                    .masks(tmp.resolve("masks").toString()).partitions(2).build(), LocalSpark.session());
            List<String> descriptions = jobs.descriptions();
            assertTrue(descriptions.stream().allMatch(d -> d != null && d.startsWith("segpipe score")), descriptions.toString());
            assertTrue(descriptions.contains("segpipe score: score 6 images"), descriptions.toString());
            assertTrue(log.messages().stream().anyMatch(m -> m.matches("segpipe score: 6/6 images \\(100\\.0%\\), [0-9.]+ "
                    + "images/s, 2/2 partitions, elapsed \\d\\d:\\d\\d:\\d\\d, ETA 00:00:00")), log.messages().toString());
        } finally {
            if (previous == null) {
                System.clearProperty(SparkProgress.MIN_INTERVAL_PROPERTY);
            } else {
                System.setProperty(SparkProgress.MIN_INTERVAL_PROPERTY, previous);
            }
        }
    }
}
