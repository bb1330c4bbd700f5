package io.segpipe.jobs.retrain;

import java.util.Locale;
import java.util.Objects;

/**
 * When a challenger replaces the production model, and {@link #decide} which applies it.
 *
 * <p>The challenger is promoted when its {@code metric} on the held-out split is at least
 * {@code margin} above the champion's (and strictly above it, so a margin of 0 does not churn
 * versions on ties), and, when a {@code floor} is set, at least {@code floor}. Without a champion
 * (the first run, or a registry whose production model was never set) only the floor applies.
 * An undefined (NaN) challenger score is never promoted; an undefined champion score loses to any
 * defined challenger score. Margin is absolute, in the metric's units: 0.01 = one mIoU point.
 *
 * @param metric the compared metric
 * @param margin required improvement over the champion, in [0, 1]
 * @param floor  absolute minimum of the challenger's score in [0, 1], or null for none
 */
public record PromotionPolicy(Metric metric, double margin, Double floor) {

    /** Floating-point slack so that 0.62 - 0.61 counts as a gain of 0.01. */
    static final double EPSILON = 1e-9;

    public PromotionPolicy {
        Objects.requireNonNull(metric, "metric");
        if (!(margin >= 0 && margin <= 1)) {
            throw new IllegalArgumentException("margin must be in [0, 1], found " + margin);
        }
        if (floor != null && !(floor >= 0 && floor <= 1)) {
            throw new IllegalArgumentException("floor must be in [0, 1] or unset, found " + floor);
        }
    }

    /**
     * True when a challenger scoring {@code score} passes the quality floor: always without a
     * floor, never for an undefined (NaN) score.
     */
    public boolean meetsFloor(double score) {
        return !Double.isNaN(score) && (floor == null || score + EPSILON >= floor);
    }

    /** The outcome of comparing a challenger with the champion. */
    public record Decision(boolean promote, String reason) {
    }

    /**
     * Decides on a challenger.
     *
     * @param challenger the challenger's score
     * @param champion   the champion's score, or null when there is no production model
     * @param championName how the reason names the champion ({@code v000003})
     */
    public Decision decide(double challenger, Double champion, String championName) {
        String m = metric.key();
        if (Double.isNaN(challenger)) {
            return new Decision(false, "challenger " + m + " is undefined (NaN: no labelled pixel in the held-out "
                    + "split?); " + (champion == null ? "no model promoted" : "champion " + championName + " kept"));
        }
        if (!meetsFloor(challenger)) {
            return new Decision(false, "challenger " + m + " " + Metric.fmt(challenger) + " is below the floor "
                    + Metric.fmt(floor) + "; " + (champion == null ? "no production model yet, none promoted"
                    : "champion " + championName + " kept"));
        }
        if (champion == null) {
            return new Decision(true, "no production model yet; challenger " + m + " " + Metric.fmt(challenger)
                    + (floor == null ? "" : " meets the floor " + Metric.fmt(floor)) + "; promoted");
        }
        if (Double.isNaN(champion)) {
            return new Decision(true, "champion " + championName + " " + m + " is undefined (NaN), challenger "
                    + Metric.fmt(challenger) + "; promoted");
        }
        double gain = challenger - champion;
        String diff = String.format(Locale.ROOT, "%+.4f", gain);
        if (gain > 0 && gain + EPSILON >= margin) {
            return new Decision(true, "challenger " + m + " " + Metric.fmt(challenger) + " beats champion "
                    + championName + " (" + Metric.fmt(champion) + ") by " + diff + ", margin " + Metric.fmt(margin)
                    + "; promoted");
        }
        return new Decision(false, "challenger " + m + " " + Metric.fmt(challenger) + " does not beat champion "
                + championName + " (" + Metric.fmt(champion) + ") by the margin " + Metric.fmt(margin) + " (difference "
                + diff + "); champion kept");
    }
}
