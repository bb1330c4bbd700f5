package io.segpipe.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class WorstExamplesTest {

    private static WorstExamples.Example example(String id, double miou) {
        return new WorstExamples.Example(new ImageScore(id, miou, miou, 10, 0, 2), new byte[0], new byte[0], new byte[0]);
    }

    @Test
    void anyPartitioningMergesToTheWorstNOfTheWhole() {
        Random random = new Random(5);
        for (int trial = 0; trial < 100; trial++) {
            int n = 1 + random.nextInt(60);
            int limit = random.nextInt(8);
            List<WorstExamples.Example> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // few distinct values, so ties are common and must be broken by id
                all.add(example(String.format("img%03d", random.nextInt(1000)) + "-" + i, random.nextInt(5) / 4.0));
            }
            Collections.shuffle(all, random);
            int parts = 1 + random.nextInt(5);
            List<WorstExamples> partitions = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                partitions.add(new WorstExamples(limit));
            }
            for (WorstExamples.Example e : all) {
                partitions.get(random.nextInt(parts)).offer(e);
            }
            for (WorstExamples part : partitions) {
                assertTrue(part.worstFirst().size() <= limit, "a partition keeps at most " + limit);
            }
            WorstExamples merged = new WorstExamples(limit);
            for (WorstExamples part : partitions) {
                merged.merge(part);
            }
            List<String> expected = all.stream().map(WorstExamples.Example::score).sorted(ImageScore.WORST_FIRST)
                    .limit(limit).map(ImageScore::id).toList();
            assertEquals(expected, merged.worstFirst().stream().map(WorstExamples.Example::id).toList());
        }
    }

    @Test
    void imagesWithoutAScoreAreNeverExamples() {
        WorstExamples w = new WorstExamples(3);
        WorstExamples.Example none = new WorstExamples.Example(new ImageScore("none", Double.NaN, Double.NaN, 0, 9, 0),
                new byte[0], new byte[0], new byte[0]);
        assertFalse(w.wants(none.score()));
        w.offer(none);
        w.offer(example("a", 0.9));
        assertEquals(List.of("a"), w.worstFirst().stream().map(WorstExamples.Example::id).toList());
    }

    @Test
    void aFullListWantsOnlyWorseImages() {
        WorstExamples w = new WorstExamples(2);
        w.offer(example("b", 0.2));
        w.offer(example("c", 0.4));
        assertFalse(w.wants(example("d", 0.4).score()), "equal value, later id");
        assertTrue(w.wants(example("a", 0.4).score()), "equal value, earlier id");
        assertTrue(w.wants(example("e", 0.1).score()));
        assertFalse(new WorstExamples(0).wants(example("x", 0).score()));
    }
}
