package io.segpipe.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.segpipe.jobs.infer.BadImage;

class ScoreSummaryTest {

    private static ScoreSummary part(long scored, int files, String... bad) {
        ScoreSummary s = new ScoreSummary(2);
        s.scored = scored;
        s.inferenceNanos = scored * 10;
        s.crfNanos = scored * 7;
        s.files = files;
        for (String id : bad) {
            s.addBad(new BadImage(id, "corrupt"));
        }
        return s;
    }

    @Test
    void aPartitionCountsEveryBadImageAndListsTheFirstOnes() {
        ScoreSummary s = part(0, 0, "z", "y", "x");
        assertEquals(3, s.badCount);
        assertEquals(List.of("z", "y"), s.bad.stream().map(BadImage::id).toList());
    }

    @Test
    void theTotalSumsCountsAndListsTheFirstBadImagesById() {
        ScoreSummary total = ScoreSummary.total(List.of(part(5, 1, "m", "d"), part(0, 0), part(3, 1, "k", "b", "a")), 3);
        assertEquals(8, total.scored);
        assertEquals(80, total.inferenceNanos);
        assertEquals(56, total.crfNanos);
        assertEquals(2, total.files);
        assertEquals(5, total.badCount);
        assertEquals(List.of("b", "d", "k"), total.bad.stream().map(BadImage::id).toList());
    }
}
