package io.segpipe.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

/**
 * The projection's arithmetic against numbers worked out by hand: 8 Gbit/s = 1e9 bytes/s, so a
 * transfer of S = 1e8 bytes takes 0.1 s and the broadcast of B = 2e8 bytes 0.2 s plus 4 MiB
 * (0.004194304 s) per doubling of the workers.
 */
class ScalingModelTest {
    private static final double EPS = 1e-12;

    /** F = 5, batch 2; workers' fit 2.0 s and 3.0 s in rounds of 3.0 s and 4.0 s. */
    private static ScalingModel model() {
        return ScalingModel.fit(5, 2, List.of(new ScalingModel.Point(1, 3.0, 2.0), new ScalingModel.Point(2, 4.0, 3.0)),
                2e8, 1e8, 8);
    }

    @Test
    void fitsStepToTheWorkersComputeAndFixedToTheRest() {
        ScalingModel m = model();
        assertEquals(0.5, m.stepSeconds(), EPS);          // (2 + 3) / (5 * 2)
        assertEquals(1.0, m.fixedSeconds(), EPS);         // mean(3 - 2.5, 4 - 2.5)
        assertEquals(1e9, m.bandwidthBytesPerSecond(), EPS);
        assertEquals(4L << 20, m.pieceBytes());
    }

    @Test
    void fixedTimeIsNeverNegative() {
        ScalingModel m = ScalingModel.fit(1, 1, List.of(new ScalingModel.Point(1, 1.0, 1.5)), 0, 0, 10);
        assertEquals(1.5, m.stepSeconds(), EPS);
        assertEquals(0.0, m.fixedSeconds(), 0.0);
    }

    @Test
    void broadcastSendsEveryByteOnceAndOnePiecePerDoubling() {
        ScalingModel m = model();
        assertEquals(0.2, m.broadcastSeconds(1), EPS);
        assertEquals(0.204194304, m.broadcastSeconds(2), EPS);
        assertEquals(0.212582912, m.broadcastSeconds(8), EPS);  // 3 doublings
        assertEquals(0.216777216, m.broadcastSeconds(9), EPS);  // ceil(log2 9) = 4
        assertEquals(0.225165824, m.broadcastSeconds(64), EPS);
        // a state smaller than a piece relays the whole state per doubling
        ScalingModel small = ScalingModel.fit(5, 2, List.of(new ScalingModel.Point(1, 3.0, 2.0)), 1e6, 1e6, 8);
        assertEquals(0.004, small.broadcastSeconds(8), EPS);
    }

    @Test
    void aggregationFollowsSparksTreeLevels() {
        ScalingModel m = model();
        assertEquals(0.2, m.aggregateSeconds(2, 1), EPS);
        assertEquals(0.2, m.aggregateSeconds(2, 2), EPS);   // scale 2: 2 > 2 + 1 is false, no level
        assertEquals(0.5, m.aggregateSeconds(5, 2), EPS);   // scale 3: 5 > 3 + 2 is false
        assertEquals(0.5, m.aggregateSeconds(6, 2), EPS);   // 6 -> 2 reducers of 3, then 2 to the driver
        assertEquals(6.4, m.aggregateSeconds(64, 1), EPS);  // all 64 to the driver
        assertEquals(1.6, m.aggregateSeconds(64, 2), EPS);  // 64 -> 8 reducers of 8, then 8
        assertEquals(3.2, m.aggregateSeconds(256, 2), EPS); // 256 -> 16 of 16, then 16
        assertEquals(2.1, m.aggregateSeconds(256, 3), EPS); // scale 7: 256 -> 36 (up to 8 each) -> 5 (up to 8 each), then 5
    }

    @Test
    void projectsRoundTimeThroughputAndOverhead() {
        ScalingModel.Projection p = model().project(8, 1);
        double round = 2.5 + 1.0 + 0.212582912 + 0.8;
        assertEquals(round, p.roundSeconds(), EPS);
        assertEquals(2.5, p.computeSeconds(), EPS);
        assertEquals(80 / round, p.imagesPerSecond(), EPS);           // 8 workers x 5 minibatches x 2 images
        assertEquals((round - 2.5) / round, p.overheadShare(), EPS);
        assertFalse(p.communicationBound());                          // overhead 2.01 s < compute 2.5 s
        assertTrue(model().project(64, 1).communicationBound());      // 1 + 0.225 + 6.4 > 2.5
    }

    @Test
    void findsTheFirstCommunicationBoundWorkerCount() {
        // depth 1: 1 + 0.1 W + broadcast > 2.5 first at W = 13 (1.3 + 0.2 + 4 pieces = 1.517 > 1.5; W = 12: 1.417)
        assertEquals(OptionalInt.of(13), model().communicationBoundAt(1, 1000));
        // depth 2: W = 36 is 6 reducers of 6, then 6 (1.2 s; overhead 2.425); W = 37 is 5 of up to 8, then 5 (1.3 s; 2.525)
        assertEquals(OptionalInt.of(37), model().communicationBoundAt(2, 1000));
        assertEquals(OptionalInt.empty(), model().communicationBoundAt(2, 36));
    }
}
