package io.segpipe.prep.reader;

import io.segpipe.prep.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CorruptRowLimitTest {

    @Test
    void atTheLimitPassesAboveItFailsNamingCountsLimitAndIds() {
        CorruptRowLimit limit = new CorruptRowLimit(0.02);
        limit.check("split train of /d", List.of("b", "a"), 100);
        limit.check("split train of /d", List.of("a", "a", "a"), 50); // one row, counted again by re-run tasks
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> limit.check("split train of /d", List.of("g", "f", "e", "d", "c", "b", "a", "a"), 100));
        assertEquals("split train of /d: 7 of 100 rows are corrupt (7.00%), above maxCorruptFraction 0.02; the data was"
                + " damaged after prep (prepare it again); corrupt ids: a, b, c, d, e, ... (2 more)", e.getMessage());
    }

    @Test
    void zeroToleratesNothingAndAnEmptySplitToleratesNoCorruptRow() {
        new CorruptRowLimit(0).check("x", List.of(), 0);
        assertEquals("x: 1 of 10 rows are corrupt (10.00%), above maxCorruptFraction 0.0; the data was damaged after prep"
                + " (prepare it again); corrupt ids: a", assertThrows(IllegalStateException.class,
                () -> new CorruptRowLimit(0).check("x", List.of("a"), 10)).getMessage());
        assertThrows(IllegalStateException.class, () -> CorruptRowLimit.DEFAULT.check("x", List.of("a"), 0));
    }

    @Test
    void anExactCountWithSomeIdsCountsEveryRowAndShowsTheIdsItHas() {
        CorruptRowLimit limit = new CorruptRowLimit(0.05);
        limit.check("split val of /d", 5, List.of("a"), 100);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> limit.check("split val of /d", 6, List.of("b", "a"), 100));
        assertEquals("split val of /d: 6 of 100 rows are corrupt (6.00%), above maxCorruptFraction 0.05; the data was"
                + " damaged after prep (prepare it again); corrupt ids: a, b, ... (4 more)", e.getMessage());
    }

    @Test
    void validationNamesTheFieldAndTheDefaultRoundTrips() {
        assertEquals("maxCorruptFraction must be in [0.0, 1.0], found 1.5",
                assertThrows(IllegalArgumentException.class, () -> new CorruptRowLimit(1.5)).getMessage());
        assertEquals(0.01, CorruptRowLimit.DEFAULT.maxCorruptFraction());
        assertEquals(CorruptRowLimit.DEFAULT, Json.read(Json.write(CorruptRowLimit.DEFAULT), CorruptRowLimit.class));
    }
}
