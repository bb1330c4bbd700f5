package io.segpipe.jobs.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.segpipe.jobs.eval.ImageScore;

/** Which images the comparison page shows ({@link Comparison#mostDisagreeing}). */
class DisagreementTest {

    private static ImageScore score(String id, double miou) {
        return new ImageScore(id, miou, miou, Double.isNaN(miou) ? 0 : 100, 0, 2);
    }

    @Test
    void largestGapFirstTiesByIdUndefinedAndUnmatchedLeftOut() {
        // binary fractions, so that the gaps of c and d are exactly equal
        List<ImageScore> champion = List.of(score("a", 0.5), score("b", 1.0), score("c", 0.25), score("d", 0.875),
                score("e", Double.NaN), score("only-champion", 0.125));
        List<ImageScore> challenger = List.of(score("a", 0.625), score("b", 0.25), score("c", 0.75), score("d", 0.375),
                score("e", 0.875), score("only-challenger", 1.0));
        List<Comparison.Disagreement> top = Comparison.mostDisagreeing(champion, challenger, 3);
        // gaps: a 0.125, b 0.75, c 0.5, d 0.5 (tie with c: by id)
        assertEquals(List.of("b", "c", "d"), top.stream().map(Comparison.Disagreement::id).toList());
        assertEquals(0.75, top.get(0).gap());
        assertEquals(List.of("b", "c", "d", "a"), Comparison.mostDisagreeing(champion, challenger, 10).stream()
                .map(Comparison.Disagreement::id).toList(), "min(limit, images in both)");
        assertEquals(List.of(), Comparison.mostDisagreeing(champion, challenger, 0));
    }

    @Test
    void differingPixelsLeaveTheIgnoredOnesOut() {
        byte[] truth = {0, 1, (byte) 255, 1};
        byte[] a = {0, 1, 0, 1};
        byte[] b = {1, 1, 1, 0};
        assertEquals(2.0 / 3, Comparison.differingFraction(truth, a, b, 255), 1e-12);
        assertEquals(0.75, Comparison.differingFraction(truth, a, b, -1), 1e-12);
    }
}
