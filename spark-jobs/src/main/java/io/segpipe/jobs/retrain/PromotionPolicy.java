package io.segpipe.jobs.retrain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import io.segpipe.jobs.eval.SegmentationMetrics;

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
 * <p><b>Per-class guard.</b> With {@code maxClassRegression} set, a challenger that beats the
 * champion on the metric is still refused when any class's IoU is below the champion's by more
 * than {@code maxClassRegression} (absolute IoU, 0.05 = five points; exactly at the limit passes):
 * a better mean can hide one class that got much worse (a rare class such as pedestrians traded
 * for a few points of road). The reason names the class with the largest regression and both
 * IoUs. A class whose IoU is undefined (NaN: absent from truth and prediction) in either model is
 * not compared. The guard only applies when there is a champion.
 *
 * @param metric             the compared metric
 * @param margin             required improvement over the champion, in [0, 1]
 * @param floor              absolute minimum of the challenger's score in [0, 1], or null for none
 * @param maxClassRegression largest allowed drop of any class's IoU below the champion's, in [0, 1],
 *                           or null for no per-class guard
 */
public record PromotionPolicy(Metric metric, double margin, Double floor, Double maxClassRegression) {

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
        if (maxClassRegression != null && !(maxClassRegression >= 0 && maxClassRegression <= 1)) {
            throw new IllegalArgumentException("maxClassRegression must be in [0, 1] or unset, found "
                    + maxClassRegression);
        }
    }

    /** A policy without per-class guard. */
    public PromotionPolicy(Metric metric, double margin, Double floor) {
        this(metric, margin, floor, null);
    }

    /**
     * One class's IoU in both models.
     *
     * @param id         class id
     * @param name       class name
     * @param champion   the champion's IoU, NaN when undefined
     * @param challenger the challenger's IoU, NaN when undefined
     */
    public record ClassIoU(int id, String name, double champion, double challenger) {

        /** {@code champion - challenger}: how much the class regressed (negative: improved); NaN when either is. */
        public double regression() {
            return champion - challenger;
        }

        /**
         * Both models' per-class IoU, in class-id order.
         *
         * @throws IllegalArgumentException when the two were measured on different class counts
         */
        public static List<ClassIoU> of(SegmentationMetrics champion, SegmentationMetrics challenger) {
            if (champion.numClasses() != challenger.numClasses()) {
                throw new IllegalArgumentException("champion has " + champion.numClasses()
                        + " classes, challenger " + challenger.numClasses());
            }
            List<ClassIoU> out = new ArrayList<>(champion.numClasses());
            for (int k = 0; k < champion.numClasses(); k++) {
                SegmentationMetrics.ClassMetrics a = champion.perClass().get(k);
                SegmentationMetrics.ClassMetrics b = challenger.perClass().get(k);
                out.add(new ClassIoU(a.id(), a.name(), a.iou(), b.iou()));
            }
            return out;
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
        return decide(challenger, champion, championName, List.of());
    }

    /**
     * Decides on a challenger, with the per-class guard when {@code maxClassRegression} is set.
     *
     * @param challenger   the challenger's score
     * @param champion     the champion's score, or null when there is no production model
     * @param championName how the reason names the champion ({@code v000003})
     * @param classes      both models' per-class IoU ({@link ClassIoU#of}); empty without champion
     */
    public Decision decide(double challenger, Double champion, String championName, List<ClassIoU> classes) {
        Decision onMetric = decideOnMetric(challenger, champion, championName);
        if (!onMetric.promote() || champion == null || maxClassRegression == null) {
            return onMetric;
        }
        ClassIoU worst = null;
        for (ClassIoU c : classes) {
            double r = c.regression();
            if (!Double.isNaN(r) && r > maxClassRegression + EPSILON && (worst == null || r > worst.regression())) {
                worst = c;
            }
        }
        if (worst == null) {
            return onMetric;
        }
        return new Decision(false, "challenger " + metric.key() + " " + Metric.fmt(challenger) + " beats champion "
                + championName + " (" + Metric.fmt(champion) + "), but class " + worst.name() + " (id " + worst.id()
                + ") IoU " + Metric.fmt(worst.challenger()) + " is below the champion's " + Metric.fmt(worst.champion())
                + " by " + Metric.fmt(worst.regression()) + ", more than maxClassRegression "
                + Metric.fmt(maxClassRegression) + "; champion kept");
    }

    private Decision decideOnMetric(double challenger, Double champion, String championName) {
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
