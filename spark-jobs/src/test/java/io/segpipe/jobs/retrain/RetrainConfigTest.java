package io.segpipe.jobs.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RetrainConfigTest {

    private static RetrainConfig.Builder valid() {
        return RetrainConfig.builder().registry("hdfs:///models/camvid").dataset("hdfs:///data/camvid-prepped")
                .train(RetrainFixtures.train());
    }

    @Test
    void defaults() {
        RetrainConfig c = valid().build();
        assertEquals("train", c.trainSplit());
        assertEquals("val", c.evalSplit());
        assertEquals(Metric.MEAN_IOU, c.metric());
        assertEquals(0.005, c.margin());
        assertEquals(null, c.floor());
        assertEquals(null, c.maxClassRegression(), "the per-class guard is off by default");
        assertEquals(6, c.comparisonExamples());
        assertEquals(600, c.lockTimeoutSeconds());
        assertEquals(false, c.warmStart());
        assertEquals("", c.runId());
    }

    @Test
    void roundTripsThroughJson() {
        RetrainConfig c = valid().evalSplit("test").warmStart(true).metric(Metric.MEAN_DICE).margin(0.02).floor(0.3)
                .maxClassRegression(0.05).comparisonExamples(3).lockTimeoutSeconds(120).runId("nightly-2025-03-01").build();
        String json = c.toJson();
        assertTrue(json.contains("\"metric\" : \"meanDice\""), json);
        assertTrue(json.contains("\"maxClassRegression\" : 0.05"), json);
        assertEquals(c, RetrainConfig.fromJson(json));
        assertEquals(0.05, RetrainConfig.fromJson(json).policy().maxClassRegression());
        RetrainConfig off = valid().build();
        assertEquals(off, RetrainConfig.fromJson(off.toJson()));
        assertEquals(c, c.toBuilder().build());
    }

    @Test
    void validationNamesTheFieldAndValue() {
        assertEquals("registry must be a non-empty string, found null",
                assertThrows(IllegalArgumentException.class, () -> valid().registry(null).build()).getMessage());
        assertEquals("evalSplit must be a non-empty string, found \" \"",
                assertThrows(IllegalArgumentException.class, () -> valid().evalSplit(" ").build()).getMessage());
        assertEquals("margin must be in [0, 1], found 1.5",
                assertThrows(IllegalArgumentException.class, () -> valid().margin(1.5).build()).getMessage());
        assertEquals("floor must be in [0, 1] or unset, found -0.2",
                assertThrows(IllegalArgumentException.class, () -> valid().floor(-0.2).build()).getMessage());
        assertEquals("maxClassRegression must be in [0, 1] or unset, found -0.01", assertThrows(
                IllegalArgumentException.class, () -> valid().maxClassRegression(-0.01).build()).getMessage());
        assertEquals("comparisonExamples must be >= 0, found -1",
                assertThrows(IllegalArgumentException.class, () -> valid().comparisonExamples(-1).build()).getMessage());
        assertEquals("lockTimeoutSeconds must be >= 10, found 1",
                assertThrows(IllegalArgumentException.class, () -> valid().lockTimeoutSeconds(1).build()).getMessage());
        assertEquals("train must be set, found null",
                assertThrows(IllegalArgumentException.class, () -> valid().train(null).build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> valid().runId("a/b").build()).getMessage()
                .startsWith("runId must be 1-64 letters"));
        IllegalArgumentException json = assertThrows(IllegalArgumentException.class, () -> RetrainConfig.fromJson(
                valid().build().toJson().replace("\"metric\" : \"meanIoU\"", "\"metric\" : \"f1\"")));
        assertTrue(json.getMessage().contains("metric must be one of"), json.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> RetrainConfig.fromJson(
                valid().build().toJson().replace("\"margin\"", "\"marign\"")));
        assertTrue(unknown.getMessage().contains("marign"), unknown.getMessage());
    }
}
