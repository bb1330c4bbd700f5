package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.model.EpochMetrics;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.prep.progress.SparkProgress;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.LogLines;
import io.segpipe.prep.testkit.SparkJobs;

/**
 * What training tells its operator: every Spark job described by its epoch and phase, progress
 * lines inside epochs, and an epoch line and metrics whose loss is per pixel.
 */
@ExtendWith(LocalSpark.class)
class TrainReportingTest {
    private static final Pattern IN_EPOCH = Pattern.compile("epoch (\\d)/2: (\\d+)/(\\d+) minibatches \\([0-9.]+%\\), "
            + "[0-9.]+ img/s, loss/pixel ([0-9.]+|n/a), epoch ETA (\\d\\d:\\d\\d:\\d\\d|unknown), run ETA (\\d\\d:\\d\\d:\\d\\d|unknown)");

    @TempDir
    Path tmp;
    private String previous;

    @BeforeEach
    void aLinePerTrainingRound() {
        previous = System.setProperty(SparkProgress.MIN_INTERVAL_PROPERTY, "0");
    }

    @AfterEach
    void restore() {
        if (previous == null) {
            System.clearProperty(SparkProgress.MIN_INTERVAL_PROPERTY);
        } else {
            System.setProperty(SparkProgress.MIN_INTERVAL_PROPERTY, previous);
        }
    }

    @Test
    void jobsAreDescribedEpochsReportProgressAndTheLossIsPerPixel() throws Exception {
        TrainConfig config = TrainFixtures.config(tmp).epochs(2).checkpointEvery(0).build(); // prepares the data first
        TrainResult r;
        List<String> descriptions;
        List<String> messages;
        try (SparkJobs jobs = SparkJobs.record(LocalSpark.session().sparkContext()); LogLines log = LogLines.capture()) {
            r = TrainJob.run(config, LocalSpark.session());
            descriptions = jobs.descriptions();
            messages = log.messages();
        }
        assertTrue(descriptions.stream().allMatch(d -> d != null && d.startsWith("segpipe train")), descriptions.toString());
        for (String phase : List.of("epoch 1/2 (training)", "epoch 1/2 (validation)", "epoch 2/2 (training)",
                "epoch 2/2 (validation)")) {
            assertTrue(descriptions.contains("segpipe train: " + phase), phase + " in " + descriptions);
        }

        List<String> inEpoch = messages.stream().filter(m -> IN_EPOCH.matcher(m).matches()).toList();
        assertTrue(inEpoch.stream().anyMatch(m -> m.startsWith("epoch 1/2: ") && !m.contains("n/a")), messages.toString());
        assertTrue(inEpoch.stream().anyMatch(m -> m.startsWith("epoch 2/2: ") && !m.contains("n/a")), messages.toString());
        assertTrue(messages.stream().filter(m -> m.startsWith("epoch 1/2:")).allMatch(m -> IN_EPOCH.matcher(m).matches()),
                "every progress line has counts, rate, loss and ETAs: " + messages);
        assertFalse(inEpoch.stream().anyMatch(m -> m.contains("epoch 1/2 ")),
                "progress lines never read as the epoch's summary line, which logs watch for");
        assertTrue(messages.stream().anyMatch(m -> m.matches("epoch 1/2  loss/pixel [0-9.]+  lr .* img/s  val mIoU .*  ETA "
                + "\\d\\d:\\d\\d:\\d\\d")), messages.toString());

        EpochMetrics first = r.history().epochs().get(0);
        assertEquals(EpochMetrics.LossUnit.PER_PIXEL, first.lossUnit());
        // cross-entropy per pixel of a fresh 4-class network is about ln 4 = 1.39; summed over a 32x32 crop it is ~1400
        assertTrue(first.loss() > 0.1 && first.loss() < 3, "loss per pixel " + first.loss());
        String metrics = Files.readString(Path.of(java.net.URI.create(r.output())).resolve(ModelDirectory.METRICS_JSON));
        assertTrue(metrics.contains("\"lossUnit\" : \"PER_PIXEL\""), metrics);
    }
}
