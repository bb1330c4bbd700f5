package io.segpipe.jobs.eval;

import java.io.Serializable;
import java.util.Arrays;
import java.util.OptionalInt;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.segpipe.prep.schema.ClassTable;

/**
 * The one pixel confusion matrix of segpipe: {@code long[K][K]} counts, rows = ground truth,
 * columns = prediction (the convention of Spark's {@code MulticlassMetrics.confusionMatrix}).
 * Every segmentation metric ({@link SegmentationMetrics}) is a function of it, so metrics of a
 * dataset are exact whatever the partitioning: per partition one matrix is filled, and
 * partitions are combined with {@link #merge} (associative and commutative) in
 * {@code treeAggregate}.
 *
 * <p>The ignore label (e.g. CamVid void = 11) never enters the matrix: pixels whose ground truth
 * is the ignore label are counted in {@link #ignoredPixels()} only. A ground-truth value that is
 * neither a class id nor the ignore label, and a prediction outside {@code [0, K)}, are errors
 * (a corrupt label map or a model for another class table must not silently skew a metric).
 *
 * <p>Mutable and not thread-safe, like a Spark aggregation buffer: {@code add} and {@code merge}
 * update {@code this} and return it. Serializable, so it can be the zero value of
 * {@code treeAggregate}. JSON: {@code {"numClasses":K,"ignoreLabel":11,"ignoredPixels":n,"counts":[[...],...]}}.
 */
public final class ConfusionMatrix implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Stored label PNGs are 8-bit, so a class table has at most 256 classes; the same bound here. */
    public static final int MAX_CLASSES = 256;

    private final int numClasses;
    /** -1 when no label is ignored. */
    private final int ignoreLabel;
    private final long[][] counts;
    private long ignoredPixels;

    /**
     * An empty matrix.
     *
     * @param numClasses  K, in [2, 256]
     * @param ignoreLabel the ignored ground-truth value (not a class id, so outside [0, K)), or -1 for none
     */
    public ConfusionMatrix(int numClasses, int ignoreLabel) {
        if (numClasses < 2 || numClasses > MAX_CLASSES) {
            throw new IllegalArgumentException("numClasses must be in [2, " + MAX_CLASSES + "], found " + numClasses);
        }
        if (ignoreLabel != -1 && ignoreLabel >= 0 && ignoreLabel < numClasses) {
            throw new IllegalArgumentException("ignoreLabel must not be a class id in [0, " + numClasses + "), found "
                    + ignoreLabel);
        }
        if (ignoreLabel < -1) {
            throw new IllegalArgumentException("ignoreLabel must be -1 (none) or >= numClasses, found " + ignoreLabel);
        }
        this.numClasses = numClasses;
        this.ignoreLabel = ignoreLabel;
        this.counts = new long[numClasses][numClasses];
    }

    /** An empty matrix for a dataset's class table (its class count and ignore label). */
    public static ConfusionMatrix of(ClassTable classes) {
        return new ConfusionMatrix(classes.numClasses(), classes.ignore().orElse(-1));
    }

    /**
     * A matrix from counts (e.g. read back from a report).
     *
     * @param counts        K x K, rows = truth, columns = prediction, all >= 0
     * @param ignoreLabel   -1 for none
     * @param ignoredPixels pixels of the ignore label seen, >= 0
     */
    @JsonCreator
    public static ConfusionMatrix fromCounts(@JsonProperty("counts") long[][] counts,
                                             @JsonProperty("ignoreLabel") Integer ignoreLabel,
                                             @JsonProperty("ignoredPixels") long ignoredPixels) {
        if (counts == null) {
            throw new IllegalArgumentException("counts must be set, found null");
        }
        ConfusionMatrix m = new ConfusionMatrix(counts.length, ignoreLabel == null ? -1 : ignoreLabel);
        for (int t = 0; t < counts.length; t++) {
            if (counts[t] == null || counts[t].length != counts.length) {
                throw new IllegalArgumentException("counts must be " + counts.length + " x " + counts.length + ", row " + t
                        + " has " + (counts[t] == null ? "no" : String.valueOf(counts[t].length)) + " columns");
            }
            for (int p = 0; p < counts.length; p++) {
                if (counts[t][p] < 0) {
                    throw new IllegalArgumentException("counts[" + t + "][" + p + "] must be >= 0, found " + counts[t][p]);
                }
                m.counts[t][p] = counts[t][p];
            }
        }
        if (ignoredPixels < 0) {
            throw new IllegalArgumentException("ignoredPixels must be >= 0, found " + ignoredPixels);
        }
        m.ignoredPixels = ignoredPixels;
        return m;
    }

    /**
     * Counts one pixel; a ground truth equal to the ignore label is counted as ignored only.
     *
     * @return this
     */
    public ConfusionMatrix add(int truth, int prediction) {
        if (truth == ignoreLabel) {
            ignoredPixels++;
            return this;
        }
        checkTruth(truth, -1);
        checkPrediction(prediction, -1);
        counts[truth][prediction]++;
        return this;
    }

    /**
     * Counts a label map against a prediction of the same size (row-major, or any common order).
     *
     * @param truth      ground-truth class ids or the ignore label
     * @param prediction predicted class ids in [0, K)
     * @return this
     */
    public ConfusionMatrix add(int[] truth, int[] prediction) {
        return add(truth, 0, prediction, 0, truth.length);
    }

    /**
     * Counts {@code length} pixels: {@code truth[truthOffset ..]} against {@code prediction[predictionOffset ..]}.
     *
     * @return this
     */
    public ConfusionMatrix add(int[] truth, int truthOffset, int[] prediction, int predictionOffset, int length) {
        if (truthOffset < 0 || predictionOffset < 0 || length < 0 || truthOffset + length > truth.length
                || predictionOffset + length > prediction.length) {
            throw new IllegalArgumentException("cannot count " + length + " pixels from truth[" + truthOffset + "] (length "
                    + truth.length + ") against prediction[" + predictionOffset + "] (length " + prediction.length + ")");
        }
        final int k = numClasses;
        for (int i = 0; i < length; i++) {
            int t = truth[truthOffset + i];
            int p = prediction[predictionOffset + i];
            if (t == ignoreLabel) {
                ignoredPixels++;
                continue;
            }
            if (t < 0 || t >= k) {
                checkTruth(t, i);
            }
            if (p < 0 || p >= k) {
                checkPrediction(p, i);
            }
            counts[t][p]++;
        }
        return this;
    }

    private void checkTruth(int truth, int index) {
        if (truth < 0 || truth >= numClasses) {
            throw new IllegalArgumentException("ground-truth label " + truth + (index >= 0 ? " at pixel " + index : "")
                    + " is neither a class id in [0, " + numClasses + ") nor the ignore label"
                    + (ignoreLabel < 0 ? " (none set)" : " " + ignoreLabel));
        }
    }

    private void checkPrediction(int prediction, int index) {
        if (prediction < 0 || prediction >= numClasses) {
            throw new IllegalArgumentException("predicted label " + prediction + (index >= 0 ? " at pixel " + index : "")
                    + " is not a class id in [0, " + numClasses + ")");
        }
    }

    /**
     * Adds the counts of {@code other} (same class count and ignore label) to this matrix.
     *
     * @return this
     */
    public ConfusionMatrix merge(ConfusionMatrix other) {
        if (other.numClasses != numClasses || other.ignoreLabel != ignoreLabel) {
            throw new IllegalArgumentException("cannot merge a confusion matrix of " + other.numClasses + " classes (ignore "
                    + other.ignoreLabel + ") into one of " + numClasses + " classes (ignore " + ignoreLabel + ")");
        }
        for (int t = 0; t < numClasses; t++) {
            long[] row = counts[t];
            long[] add = other.counts[t];
            for (int p = 0; p < numClasses; p++) {
                row[p] = Math.addExact(row[p], add[p]);
            }
        }
        ignoredPixels = Math.addExact(ignoredPixels, other.ignoredPixels);
        return this;
    }

    /** The static form of {@link #merge} for {@code treeAggregate}: {@code (a, b) -> a.merge(b)}. */
    public static ConfusionMatrix combine(ConfusionMatrix a, ConfusionMatrix b) {
        return a.merge(b);
    }

    /** A deep copy. */
    public ConfusionMatrix copy() {
        return fromCounts(counts, ignoreLabel, ignoredPixels);
    }

    @JsonProperty("numClasses")
    public int numClasses() {
        return numClasses;
    }

    /** The ignore label, or null for none (JSON form). */
    @JsonProperty("ignoreLabel")
    public Integer ignoreLabelOrNull() {
        return ignoreLabel < 0 ? null : ignoreLabel;
    }

    @JsonIgnore
    public OptionalInt ignoreLabel() {
        return ignoreLabel < 0 ? OptionalInt.empty() : OptionalInt.of(ignoreLabel);
    }

    /** Pixels whose ground truth was the ignore label (not in the matrix). */
    @JsonProperty("ignoredPixels")
    public long ignoredPixels() {
        return ignoredPixels;
    }

    /** A copy of the counts: {@code [truth][prediction]}. */
    @JsonProperty("counts")
    public long[][] counts() {
        long[][] copy = new long[numClasses][];
        for (int t = 0; t < numClasses; t++) {
            copy[t] = counts[t].clone();
        }
        return copy;
    }

    /** Pixels of ground truth {@code truth} predicted as {@code prediction}. */
    public long count(int truth, int prediction) {
        return counts[truth][prediction];
    }

    /** Pixels counted (ignored ones excluded). */
    @JsonIgnore
    public long total() {
        long sum = 0;
        for (long[] row : counts) {
            for (long c : row) {
                sum += c;
            }
        }
        return sum;
    }

    /** Pixels whose ground truth is {@code k} (row sum; the class's support). */
    public long truthCount(int k) {
        long sum = 0;
        for (long c : counts[k]) {
            sum += c;
        }
        return sum;
    }

    /** Pixels predicted as {@code k} (column sum). */
    public long predictedCount(int k) {
        long sum = 0;
        for (long[] row : counts) {
            sum += row[k];
        }
        return sum;
    }

    /** Correctly classified pixels (the trace). */
    @JsonIgnore
    public long correct() {
        long sum = 0;
        for (int k = 0; k < numClasses; k++) {
            sum += counts[k][k];
        }
        return sum;
    }

    /**
     * Each row divided by its sum (the share of a true class predicted as each class); rows of
     * classes absent from the ground truth are all NaN.
     */
    public double[][] rowNormalised() {
        double[][] out = new double[numClasses][numClasses];
        for (int t = 0; t < numClasses; t++) {
            long rowSum = truthCount(t);
            for (int p = 0; p < numClasses; p++) {
                out[t][p] = rowSum == 0 ? Double.NaN : (double) counts[t][p] / rowSum;
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix other && numClasses == other.numClasses && ignoreLabel == other.ignoreLabel
                && ignoredPixels == other.ignoredPixels && Arrays.deepEquals(counts, other.counts);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.deepHashCode(counts) + Long.hashCode(ignoredPixels) * 7 + ignoreLabel;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ConfusionMatrix(K=").append(numClasses).append(", ignore=")
                .append(ignoreLabel < 0 ? "none" : String.valueOf(ignoreLabel)).append(", ignored=").append(ignoredPixels)
                .append(")\n");
        for (long[] row : counts) {
            sb.append(Arrays.toString(row)).append('\n');
        }
        return sb.toString();
    }
}
