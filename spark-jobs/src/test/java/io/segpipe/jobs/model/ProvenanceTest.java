package io.segpipe.jobs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.segpipe.prep.Json;

/** provenance.json keeps its flat layout: what earlier versions wrote reads into the parts, and writes back alike. */
class ProvenanceTest {
    /** As segpipe wrote it while Provenance was one flat record of 18 components. */
    private static final String WRITTEN_BEFORE_THE_PARTS = """
            {
              "format" : "segpipe-model",
              "formatVersion" : 1,
              "codeVersion" : "0.1.0-SNAPSHOT",
              "dl4jVersion" : "1.0.0-M2.1",
              "sparkVersion" : "3.5.7",
              "javaVersion" : "17.0.12+7",
              "seed" : 11,
              "startedAt" : "2024-05-02T10:00:00Z",
              "finishedAt" : "2024-05-02T10:03:12Z",
              "hosts" : [ "10.0.0.5", "10.0.0.6" ],
              "trainingMode" : "PARAMETER_AVERAGING",
              "trainingMaster" : {
                "mode" : "PARAMETER_AVERAGING",
                "workers" : 2,
                "batchSizePerWorker" : 4,
                "averagingFrequency" : 5,
                "aggregationDepth" : 2,
                "prefetchBatches" : 2,
                "storageLevel" : "MEMORY_AND_DISK_SER",
                "repartition" : "NUM_PARTITIONS_WORKERS_DIFFERS",
                "repartitionStrategy" : "BALANCED",
                "threadsPerTask" : 0,
                "unicastPort" : 40123,
                "networkMask" : "127.0.0.0/8",
                "controllerAddress" : "127.0.0.1",
                "updatesThreshold" : 0.001
              },
              "dataset" : "hdfs:///data/camvid",
              "dataManifestSha256" : "9f2c0e",
              "epochs" : 30,
              "modelEpoch" : 27,
              "modelValMeanIoU" : 0.5312,
              "resumedFrom" : null
            }
            """;

    @Test
    void aProvenanceWrittenBeforeThePartsReadsIntoThem() {
        Provenance p = Json.read(WRITTEN_BEFORE_THE_PARTS, Provenance.class);
        assertEquals(ModelDirectory.FORMAT, p.format());
        assertEquals(1, p.formatVersion());
        assertEquals(new Provenance.SystemInfo("0.1.0-SNAPSHOT", "1.0.0-M2.1", "3.5.7", "17.0.12+7",
                List.of("10.0.0.5", "10.0.0.6")), p.system());
        Provenance.Training t = p.training();
        assertEquals(11, t.seed());
        assertEquals("2024-05-02T10:00:00Z", t.startedAt());
        assertEquals("2024-05-02T10:03:12Z", t.finishedAt());
        assertEquals("PARAMETER_AVERAGING", t.trainingMode());
        assertEquals("MEMORY_AND_DISK_SER", t.trainingMaster().get("storageLevel").asText());
        assertEquals(30, t.epochs());
        assertEquals(27, t.modelEpoch());
        assertEquals(0.5312, t.modelValMeanIoU());
        assertNull(t.resumedFrom());
        assertEquals(new Provenance.Data("hdfs:///data/camvid", "9f2c0e"), p.data());
    }

    @Test
    void itIsWrittenInTheSameFlatLayout() throws Exception {
        Provenance p = Json.read(WRITTEN_BEFORE_THE_PARTS, Provenance.class);
        assertEquals(Json.mapper().readTree(WRITTEN_BEFORE_THE_PARTS), Json.mapper().readTree(Json.write(p)));
        assertEquals(p, Json.read(Json.write(p), Provenance.class));
    }

    @Test
    void anUnknownKeyIsStillAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.read(
                WRITTEN_BEFORE_THE_PARTS.replace("\"seed\"", "\"sead\""), Provenance.class));
        assertTrue(e.getMessage().contains("sead"), e.getMessage());
    }
}
