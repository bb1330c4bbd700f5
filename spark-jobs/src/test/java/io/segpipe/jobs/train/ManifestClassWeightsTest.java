package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.ClassWeights;
import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.schema.SplitStats;

/** Where the training job's class weights come from, and the message when the manifest has no statistics. */
class ManifestClassWeightsTest {
    private static final ClassTable CLASSES = ClassTable.of(255, "a", "b", "c", "d");
    private static final SplitStats STATS = SplitStats.of(4, 1000 + 24, 24, new long[] {400, 300, 200, 100},
            new long[] {1000, 1000, 1000, 1000});

    @Test
    void theManifestsWeightsAreTheOnesAsked() {
        SegmentationSpec spec = TrainFixtures.spec();
        ClassWeights statistics = ClassWeights.compute("train", STATS);
        DatasetManifest manifest = manifest(statistics);
        assertArrayEquals(statistics.medianFrequency().stream().mapToDouble(Double::doubleValue).toArray(),
                TrainJob.classWeights(ClassWeighting.MEDIAN_FREQUENCY, manifest, "d", spec));
        assertArrayEquals(statistics.inverseFrequency().stream().mapToDouble(Double::doubleValue).toArray(),
                TrainJob.classWeights(ClassWeighting.INVERSE_FREQUENCY, manifest, "d", spec));
        assertNull(TrainJob.classWeights(ClassWeighting.NONE, manifest(null), "d", spec));
    }

    @Test
    void aWeightingFromAManifestWithoutClassStatisticsNamesTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainJob.classWeights(
                ClassWeighting.MEDIAN_FREQUENCY, manifest(null), "file:/data/camvid-prep", TrainFixtures.spec()));
        assertEquals("classWeights MEDIAN_FREQUENCY needs the class statistics of the dataset manifest, and "
                + "file:/data/camvid-prep has none; prepare the dataset with segpipe prep, or set classWeights to NONE "
                + "or SPEC", e.getMessage());
    }

    private static DatasetManifest manifest(ClassWeights weights) {
        return new DatasetManifest(DatasetManifest.FORMAT, 1, "2024-01-01T00:00:00Z", "test", "data", "quarantine.jsonl",
                4, 0, Map.of("train", STATS), CLASSES, weights, JsonNodeFactory.instance.objectNode());
    }
}
