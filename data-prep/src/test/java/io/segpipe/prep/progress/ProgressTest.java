package io.segpipe.prep.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The line a reading becomes: counts, rate, partitions, elapsed time and ETA. */
class ProgressTest {

    @Test
    void aLineHasCountsRatePartitionsAndEta() {
        Progress p = new Progress("segpipe eval", "images", 120, 480, 3, 8, 30, Map.of());
        assertEquals(4.0, p.rate(), 1e-12);
        assertEquals(90.0, p.etaSeconds(), 1e-9, "360 images left at 4 images/s");
        assertEquals("segpipe eval: 120/480 images (25.0%), 4.00 images/s, 3/8 partitions, elapsed 00:00:30,"
                + " ETA 00:01:30", p.line());
    }

    @Test
    void theEtaIsUnknownUntilSomethingIsDoneAndWithoutATotal() {
        Progress nothingYet = new Progress("segpipe score", "images", 0, 100, 0, 4, 45, Map.of());
        assertEquals("segpipe score: 0/100 images (0.0%), 0.00 images/s, 0/4 partitions, elapsed 00:00:45, ETA unknown",
                nothingYet.line());
        Progress noTotal = new Progress("segpipe prep", "pairs", 7, 0, 1, 0, 3600 + 61, Map.of());
        assertEquals("segpipe prep: 7 pairs, 0.00 pairs/s, elapsed 01:01:01, ETA unknown", noTotal.line());
        assertTrue(Double.isNaN(noTotal.etaSeconds()));
    }

    @Test
    void moreThanTheTotalShowsAsComplete() {
        Progress over = new Progress("segpipe train", "minibatches", 95, 92, 10, 0, 10, Map.of());
        assertEquals("95/92 minibatches (100.0%)", over.counts());
        assertEquals(0.0, over.etaSeconds());
    }

    @Test
    void durations() {
        assertEquals("00:00:00", Progress.duration(0.2));
        assertEquals("27:46:40", Progress.duration(100_000));
        assertEquals("unknown", Progress.duration(Double.NaN));
        assertEquals("unknown", Progress.duration(Double.POSITIVE_INFINITY));
    }
}
