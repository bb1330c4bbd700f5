package io.segpipe.jobs.retrain;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.SparkJobs;

/** Every Spark job of a retraining run is described: its training, both evaluations and its own steps. */
@ExtendWith(LocalSpark.class)
class RetrainReportingTest {
    @TempDir
    Path tmp;

    @Test
    void everyJobIsDescribed() throws Exception {
        String dataset = RetrainFixtures.prepare(tmp, tmp.resolve("data").toString(), 24, 5);
        RetrainConfig config = RetrainConfig.builder().registry(tmp.resolve("registry").toString()).dataset(dataset)
                .evalSplit("val").runId("described").train(RetrainFixtures.train()).build();
        try (SparkJobs jobs = SparkJobs.record(LocalSpark.session().sparkContext())) {
            RetrainJob.run(config, LocalSpark.session());
            List<String> descriptions = jobs.descriptions();
            assertTrue(descriptions.stream().allMatch(d -> d != null && d.startsWith("segpipe ")), descriptions.toString());
            assertTrue(descriptions.contains("segpipe train: epoch 1/1 (training)"), descriptions.toString());
            assertTrue(descriptions.stream().anyMatch(d -> d.startsWith("segpipe eval: evaluate ")), descriptions.toString());
        }
    }
}
