package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.segpipe.jobs.model.EpochMetrics;
import io.segpipe.prep.Json;
import io.segpipe.prep.progress.SparkProgress;
import io.segpipe.prep.testkit.LocalSpark;

/**
 * {@code metrics.jsonl} of real tiny training runs: one {@code epoch} line per epoch whose values
 * are the run's metrics, {@code progress} lines of each epoch before its epoch line, every line
 * strict JSON; a resumed run continues the file without the lines of the epochs it trains again.
 */
@ExtendWith(LocalSpark.class)
class MetricsLogTest {
    private static String previous;

    @TempDir
    Path tmp;

    @BeforeAll
    static void aProgressLineForEveryRound() {
        previous = System.setProperty(SparkProgress.MIN_INTERVAL_PROPERTY, "0");
    }

    @AfterAll
    static void restore() {
        if (previous == null) {
            System.clearProperty(SparkProgress.MIN_INTERVAL_PROPERTY);
        } else {
            System.setProperty(SparkProgress.MIN_INTERVAL_PROPERTY, previous);
        }
    }

    @Test
    void everyEpochAndProgressReadingIsOneJsonLineBesideTheCheckpoints() throws Exception {
        TrainResult r = TrainJob.run(TrainFixtures.config(tmp).epochs(2).validateEvery(2).build(), LocalSpark.session());
        Path file = Path.of(URI.create(r.checkpoints())).resolve(MetricsLog.FILE);
        List<JsonNode> lines = read(file);

        assertOneEpochLinePerEpochWithProgressBefore(lines, r);
        JsonNode first = epochLines(lines).get(0);
        assertTrue(first.get("valMeanIoU").isNull(), "no validation in epoch 1: " + first);
        assertTrue(first.get("bestEpoch").isNull(), first.toString());
        JsonNode second = epochLines(lines).get(1);
        assertEquals(2, second.get("bestEpoch").asInt());
        assertEquals(r.history().epochs().get(1).valMeanIoU(), second.get("bestValMeanIoU").asDouble());
        assertTrue(second.get("elapsedSeconds").asDouble() > first.get("elapsedSeconds").asDouble(), second.toString());
    }

    @Test
    void aResumedRunDropsTheLinesOfTheEpochsItTrainsAgain() throws Exception {
        String ckpt = tmp.resolve("ckpt").toString();
        TrainFixtures.config(tmp); // the dataset first
        TrainJob.run(TrainFixtures.config(tmp).epochs(2).output(tmp.resolve("first").toString()).checkpointDir(ckpt)
                .build(), LocalSpark.session());
        Path file = Path.of(ckpt, MetricsLog.FILE);
        assertEquals(2, epochLines(read(file)).size());
        // the interruption: epoch 3 had begun (a progress line) and the last line was cut short
        Files.writeString(file, "{\"kind\":\"progress\",\"epoch\":3,\"epochs\":3,\"minibatches\":4,\"minibatchesTotal\":999}\n"
                + "{\"kind\":\"progr", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        TrainResult resumed = TrainJob.run(TrainFixtures.config(tmp).epochs(3).output(tmp.resolve("resumed").toString())
                .checkpointDir(ckpt).resume(true).build(), LocalSpark.session());
        assertEquals(1, resumed.epochsThisRun());
        List<JsonNode> lines = read(file);
        assertOneEpochLinePerEpochWithProgressBefore(lines, resumed);
        assertFalse(lines.stream().anyMatch(l -> l.get("epoch").asInt() == 3 && l.get("minibatches") != null
                && l.get("minibatches").asLong() == 4 && l.get("minibatchesTotal").asLong() == 999),
                "the progress line of the interrupted epoch 3 is gone");
        List<JsonNode> epochs = epochLines(lines);
        assertTrue(epochs.get(2).get("elapsedSeconds").asDouble() > epochs.get(1).get("elapsedSeconds").asDouble(),
                "elapsed counts on across the resume: " + epochs);
    }

    @Test
    void aFreshRunOverAnOldFileStartsItAnew() throws Exception {
        String ckpt = tmp.resolve("ckpt").toString();
        TrainFixtures.config(tmp);
        Files.createDirectories(Path.of(ckpt));
        Files.writeString(Path.of(ckpt, MetricsLog.FILE), "{\"kind\":\"epoch\",\"epoch\":7}\n");
        TrainResult r = TrainJob.run(TrainFixtures.config(tmp).epochs(1).checkpointDir(ckpt).build(),
                LocalSpark.session());
        assertOneEpochLinePerEpochWithProgressBefore(read(Path.of(ckpt, MetricsLog.FILE)), r);
    }

    /** Every line of the file, each parsed as one JSON object (fails on any other line). */
    private static List<JsonNode> read(Path file) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\n"), "ends with a whole line");
        for (String line : text.split("\n")) {
            JsonNode node = Json.mapper().readTree(line);
            assertTrue(node.isObject(), line);
            assertFalse(line.contains("NaN") || line.contains("Infinity"), "strict JSON: " + line);
            nodes.add(node);
        }
        return nodes;
    }

    private static List<JsonNode> epochLines(List<JsonNode> lines) {
        return lines.stream().filter(l -> MetricsLog.EPOCH.equals(l.get("kind").asText())).toList();
    }

    /**
     * Exactly one epoch line per epoch of {@code r}, in order, equal to its metrics; at least one
     * progress line of each epoch, all before that epoch's line and after the previous one.
     */
    private static void assertOneEpochLinePerEpochWithProgressBefore(List<JsonNode> lines, TrainResult r) {
        List<EpochMetrics> history = r.history().epochs();
        assertEquals(history.size(), epochLines(lines).size(), "epoch lines: " + lines);
        int expected = 1;
        int progressOfEpoch = 0;
        for (JsonNode line : lines) {
            String kind = line.get("kind").asText();
            assertEquals(expected, line.get("epoch").asInt(), "line in order: " + line);
            if (MetricsLog.PROGRESS.equals(kind)) {
                progressOfEpoch++;
                assertTrue(line.get("minibatches").asLong() >= 0, line.toString());
                assertTrue(line.get("minibatchesTotal").asLong() > 0, line.toString());
                assertTrue(line.get("loss").isNull() || line.get("loss").asDouble() > 0, line.toString());
                continue;
            }
            assertEquals(MetricsLog.EPOCH, kind, line.toString());
            assertTrue(progressOfEpoch > 0, "progress lines before epoch " + expected + ": " + lines);
            EpochMetrics m = history.get(expected - 1);
            assertEquals(m.epoch(), line.get("epoch").asInt());
            assertEquals(m.loss(), line.get("loss").asDouble(), line.toString());
            assertEquals(m.learningRate(), line.get("learningRate").asDouble());
            assertEquals(m.imagesPerSecond(), line.get("imagesPerSecond").asDouble());
            assertEquals(m.images(), line.get("images").asLong());
            assertEquals(m.seconds(), line.get("seconds").asDouble());
            if (m.validated()) {
                assertEquals(m.valMeanIoU(), line.get("valMeanIoU").asDouble());
                assertEquals(m.valPixelAccuracy(), line.get("valPixelAccuracy").asDouble());
            } else {
                assertNull(m.valMeanIoU());
                assertTrue(line.get("valPixelAccuracy").isNull());
            }
            assertTrue(line.get("time").asText().endsWith("Z"), line.toString());
            expected++;
            progressOfEpoch = 0;
        }
        assertEquals(history.size() + 1, expected, "the file ends with the last epoch's line");
    }
}
