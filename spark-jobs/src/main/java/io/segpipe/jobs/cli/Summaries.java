package io.segpipe.jobs.cli;

import java.util.Locale;

import io.segpipe.jobs.eval.EvalResult;
import io.segpipe.jobs.eval.SegmentationMetrics;

/** Console summaries of job results, shared by the commands that print them. */
final class Summaries {

    private Summaries() {
    }

    /** The per-class table and the means of an evaluation. */
    static void printMetrics(EvalResult result) {
        SegmentationMetrics m = result.metrics();
        System.out.printf("%-14s %8s %8s %8s %12s%n", "class", "IoU", "Dice", "acc", "pixels");
        for (SegmentationMetrics.ClassMetrics c : m.perClass()) {
            System.out.printf(Locale.ROOT, "%-14s %8s %8s %8s %12d%n", c.name(), ratio(c.iou()), ratio(c.dice()),
                    ratio(c.accuracy()), c.support());
        }
        System.out.printf(Locale.ROOT, "mIoU %s  pixel accuracy %s  mean class accuracy %s  FW IoU %s%s%n",
                ratio(m.meanIoU()), ratio(m.pixelAccuracy()), ratio(m.meanClassAccuracy()),
                ratio(m.frequencyWeightedIoU()),
                m.absentClasses().isEmpty() ? "" : "  (absent, left out of the means: " + m.absentClasses() + ")");
    }

    static String ratio(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.4f", value);
    }
}
