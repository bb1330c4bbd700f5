package io.segpipe.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.segpipe.jobs.cli.Reports;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.Json;
import io.segpipe.prep.testkit.LocalSpark;

/**
 * One real run of the scaling benchmark on a tiny U-Net (1/4 width, 3 levels, 32x32, 1 round of
 * 2 minibatches per worker) on the tests' local[2] session: what Spark counted and DL4J timed must
 * be physically possible.
 */
@ExtendWith(LocalSpark.class)
class ScalingBenchmarkTest {

    @Test
    void measuresRoundsBytesAndWritesJson(@TempDir Path dir) throws Exception {
        Nd4jBackend.init();
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.UNET, 3).widthMultiplier(0.25).depth(3)
                .batchNorm(false).inputSize(32, 32).build();
        ScalingBenchmark.Options options = new ScalingBenchmark.Options(List.of(new ScalingBenchmark.Model("unet-tiny", spec)),
                32, 2, 2, 0, 1, 10, List.of(8, 64));
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(LocalSpark.session().sparkContext());
        ScalingBenchmark.Result result = ScalingBenchmark.run(options, ScalingBenchmark.of(w -> sc, ignored -> { }));

        System.out.print(ScalingBenchmark.table(result));
        ScalingBenchmark.Row row = result.rows().get(0);
        assertTrue(row.parameters() > 10_000, "parameters " + row.parameters());
        // Adam keeps two values per trained parameter (batch norm's running statistics, which a network
        // with batch norm also counts as parameters, have none: hence no batch norm here)
        assertEquals(2 * row.parameters(), row.updaterState());
        assertEquals(4 * (row.parameters() + row.updaterState()), row.stateBytes());
        for (AveragingRounds.Measurement m : List.of(row.oneWorker(), row.twoWorkers(), row.twoWorkersDepth2())) {
            String what = m.workers() + " worker(s), depth " + m.aggregationDepth() + ": " + m;
            // every worker returns its parameters and updater state, at least 4 bytes a value
            assertTrue(m.aggregationBytesPerRound() >= (double) m.workers() * row.stateBytes(), what);
            assertTrue(m.aggregationBytesPerRound() < 2.0 * m.workers() * row.stateBytes() + (1 << 20), what);
            assertTrue(m.broadcastBytesPerRound() > 0, what);
            AveragingRounds.Round round = m.rounds().get(0);
            assertEquals(m.workers() * 2, round.times().workerFits(), what);
            assertTrue(round.computeSeconds() > 0 && round.wallSeconds() > round.computeSeconds(), what);
            assertTrue(round.times().aggregateMs() > 0, what);
        }
        // two partials make no tree level in Spark: depth 2 runs the same stages and shuffles nothing
        assertEquals(0, row.twoWorkersDepth2().rounds().get(0).traffic().shuffleWriteBytes());
        assertEquals(row.twoWorkers().stagesPerRound(), row.twoWorkersDepth2().stagesPerRound());
        assertTrue(row.model().stepSeconds() > 0);
        assertEquals(4, row.projections().size());
        assertTrue(row.projections().get(1).overheadShare() > row.projections().get(0).overheadShare(),
                "64 workers spend a larger share averaging than 8 at depth 1");

        Path json = dir.resolve("scaling.json");
        Reports.writeJson(json, result);
        JsonNode read = Json.mapper().readTree(json.toFile());
        assertEquals(row.parameters(), read.at("/rows/0/parameters").asLong());
        assertEquals(row.stateBytes(), read.at("/rows/0/stateBytes").asLong());
        assertTrue(read.at("/rows/0/oneWorker/rounds/0/traffic/resultBytes").asLong() >= row.stateBytes());
        assertEquals(4, read.at("/rows/0/projections").size());
        assertTrue(ScalingBenchmark.table(result).contains("unet-tiny"));
    }
}
