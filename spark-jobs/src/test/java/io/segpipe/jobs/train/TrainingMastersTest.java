package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.RepartitionStrategy;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.segpipe.prep.Json;

/** Training masters carry the configured settings, and the config's names map to Spark's and DL4J's values. */
class TrainingMastersTest {

    @Test
    void parameterAveragingCarriesTheConfiguredSettings() throws Exception {
        MasterConfig config = MasterConfig.builder().batchSizePerWorker(3).averagingFrequency(7).aggregationDepth(4)
                .prefetchBatches(1).storageLevel(MasterConfig.StorageLevel.DISK_ONLY)
                .repartition(MasterConfig.Repartition.ALWAYS)
                .repartitionStrategy(MasterConfig.RepartitionStrategy.APPROXIMATE_BALANCED).build();
        TrainingMaster master = new TrainingMasters(config, 5, 11).forEpoch(2);
        assertInstanceOf(ParameterAveragingTrainingMaster.class, master);
        JsonNode json = Json.mapper().readTree(master.toJson());
        assertEquals(5, json.get("numWorkers").asInt(), master.toJson());
        assertEquals(3, json.get("batchSizePerWorker").asInt());
        assertEquals(7, json.get("averagingFrequency").asInt());
        assertEquals(4, json.get("aggregationDepth").asInt());
        assertEquals(1, json.get("prefetchNumBatches").asInt());
        assertEquals("DISK_ONLY", json.get("storageLevel").asText());
        assertEquals("Always", json.get("repartition").asText());
        assertEquals("ApproximateBalanced", json.get("repartitionStrategy").asText());
        assertEquals("Direct", json.get("rddTrainingApproach").asText());
        assertTrue(json.get("saveUpdater").asBoolean(), "updater state is averaged and checkpointed");
        assertFalse(json.get("collectTrainingStats").asBoolean());
    }

    @Test
    void everyStorageLevelIsSparksOfTheSameNameAndNoneStoresNothing() {
        for (MasterConfig.StorageLevel level : MasterConfig.StorageLevel.values()) {
            if (level == MasterConfig.StorageLevel.NONE) {
                assertNull(TrainingMasters.storageLevel(level));
            } else {
                assertEquals(StorageLevel.fromString(level.name()), TrainingMasters.storageLevel(level));
            }
        }
    }

    @Test
    void repartitionOptionsAreDl4jsOfTheSameMeaning() {
        assertEquals(Repartition.Always, TrainingMasters.repartition(MasterConfig.Repartition.ALWAYS));
        assertEquals(Repartition.Never, TrainingMasters.repartition(MasterConfig.Repartition.NEVER));
        assertEquals(Repartition.NumPartitionsWorkersDiffers,
                TrainingMasters.repartition(MasterConfig.Repartition.NUM_PARTITIONS_WORKERS_DIFFERS));
        assertEquals(RepartitionStrategy.Balanced, TrainingMasters.strategy(MasterConfig.RepartitionStrategy.BALANCED));
        assertEquals(RepartitionStrategy.ApproximateBalanced,
                TrainingMasters.strategy(MasterConfig.RepartitionStrategy.APPROXIMATE_BALANCED));
        assertEquals(RepartitionStrategy.SparkDefault,
                TrainingMasters.strategy(MasterConfig.RepartitionStrategy.SPARK_DEFAULT));
    }
}
