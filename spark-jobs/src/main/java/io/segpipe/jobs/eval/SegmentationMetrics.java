package io.segpipe.jobs.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.segpipe.prep.schema.ClassTable;

/**
 * The segmentation metrics of one {@link ConfusionMatrix}; every number here is a function of the
 * matrix alone (so it is exact for any partitioning of the data). With {@code n[t][p]} the pixels
 * of true class t predicted as p, for class k: {@code TP = n[k][k]}, {@code FN = row sum - TP},
 * {@code FP = column sum - TP}.
 *
 * <ul>
 *   <li>{@code IoU_k = TP / (TP + FP + FN)} (Jaccard index; the PASCAL VOC measure);</li>
 *   <li>{@code Dice_k = F1_k = 2 TP / (2 TP + FP + FN)};</li>
 *   <li>{@code accuracy_k = recall_k = TP / (TP + FN)}, {@code precision_k = TP / (TP + FP)};</li>
 *   <li>pixel accuracy = trace / total ("global accuracy" in the SegNet paper);</li>
 *   <li>mean class accuracy = mean of {@code accuracy_k} ("class average accuracy");</li>
 *   <li>mIoU, mean Dice = means of {@code IoU_k}, {@code Dice_k};</li>
 *   <li>frequency-weighted IoU = {@code sum_k (support_k / total) IoU_k} (Long et al., FCN, CVPR 2015, sec. 5).</li>
 * </ul>
 *
 * <p><b>Absent classes.</b> A class absent from both ground truth and prediction has
 * {@code TP + FP + FN = 0}: its IoU and Dice are undefined, reported as NaN, and left out of mIoU,
 * mean Dice and frequency-weighted IoU; {@link #absentClasses()} lists them. Likewise a class absent
 * from the ground truth has an undefined accuracy (NaN, left out of the mean class accuracy), and
 * a class never predicted has an undefined precision. A class predicted but absent from the ground
 * truth is not "absent": its IoU is 0 and it counts in mIoU (its false positives are real errors).
 * A mean over no defined value is NaN (e.g. an empty matrix).
 *
 * <p>In JSON, NaN is written as the string {@code "NaN"} (Jackson's default; JSON has no NaN) and reads back as NaN.
 *
 * @param numClasses           K
 * @param totalPixels          pixels counted (ignored ones excluded)
 * @param ignoredPixels        pixels of the ignore label, in no metric
 * @param pixelAccuracy        trace / total
 * @param meanClassAccuracy    mean recall over classes present in the ground truth
 * @param meanIoU              mean IoU over classes not absent
 * @param frequencyWeightedIoU support-weighted IoU
 * @param meanDice             mean Dice/F1 over classes not absent
 * @param absentClasses        ids of classes absent from both ground truth and prediction
 * @param perClass             one entry per class, in id order
 */
public record SegmentationMetrics(int numClasses, long totalPixels, long ignoredPixels, double pixelAccuracy,
                                  double meanClassAccuracy, double meanIoU, double frequencyWeightedIoU, double meanDice,
                                  List<Integer> absentClasses, List<ClassMetrics> perClass) {

    public SegmentationMetrics {
        absentClasses = List.copyOf(absentClasses);
        perClass = List.copyOf(perClass);
    }

    /**
     * The metrics of one class.
     *
     * @param id        class id
     * @param name      class name
     * @param support   ground-truth pixels of the class (TP + FN)
     * @param predicted pixels predicted as the class (TP + FP)
     * @param truePositives  TP
     * @param falsePositives FP
     * @param falseNegatives FN
     * @param iou       TP / (TP + FP + FN), NaN when absent
     * @param dice      2TP / (2TP + FP + FN), NaN when absent
     * @param accuracy  recall TP / (TP + FN), NaN when support is 0
     * @param precision TP / (TP + FP), NaN when never predicted
     * @param absent    absent from both ground truth and prediction
     */
    public record ClassMetrics(int id, String name, long support, long predicted, long truePositives, long falsePositives,
                               long falseNegatives, double iou, double dice, double accuracy, double precision,
                               boolean absent) {
    }

    /** Metrics with class names taken from {@code classes} (whose class count must match the matrix). */
    public static SegmentationMetrics of(ConfusionMatrix matrix, ClassTable classes) {
        if (classes.numClasses() != matrix.numClasses()) {
            throw new IllegalArgumentException("class table has " + classes.numClasses() + " classes but the confusion matrix "
                    + matrix.numClasses());
        }
        return of(matrix, List.of(classes.names()));
    }

    /**
     * @param matrix the confusion matrix
     * @param names  class names in id order (K of them), or null for "class 0", "class 1", ...
     */
    public static SegmentationMetrics of(ConfusionMatrix matrix, List<String> names) {
        Objects.requireNonNull(matrix, "matrix");
        int k = matrix.numClasses();
        if (names != null && names.size() != k) {
            throw new IllegalArgumentException("names must have " + k + " entries (one per class), found " + names.size());
        }
        long total = matrix.total();
        List<ClassMetrics> perClass = new ArrayList<>(k);
        List<Integer> absent = new ArrayList<>();
        double iouSum = 0;
        int iouN = 0;
        double diceSum = 0;
        double accSum = 0;
        int accN = 0;
        double fwSum = 0;
        for (int c = 0; c < k; c++) {
            long tp = matrix.count(c, c);
            long support = matrix.truthCount(c);
            long predicted = matrix.predictedCount(c);
            long fn = support - tp;
            long fp = predicted - tp;
            long union = tp + fp + fn;
            boolean isAbsent = union == 0;
            double iou = isAbsent ? Double.NaN : (double) tp / union;
            double dice = isAbsent ? Double.NaN : 2.0 * tp / (2.0 * tp + fp + fn);
            double accuracy = support == 0 ? Double.NaN : (double) tp / support;
            double precision = predicted == 0 ? Double.NaN : (double) tp / predicted;
            if (isAbsent) {
                absent.add(c);
            } else {
                iouSum += iou;
                diceSum += dice;
                iouN++;
            }
            if (support > 0) {
                accSum += accuracy;
                accN++;
                fwSum += (double) support / total * iou;
            }
            perClass.add(new ClassMetrics(c, names == null ? "class " + c : names.get(c), support, predicted, tp, fp, fn, iou,
                    dice, accuracy, precision, isAbsent));
        }
        double pixelAccuracy = total == 0 ? Double.NaN : (double) matrix.correct() / total;
        return new SegmentationMetrics(k, total, matrix.ignoredPixels(), pixelAccuracy,
                accN == 0 ? Double.NaN : accSum / accN,
                iouN == 0 ? Double.NaN : iouSum / iouN,
                total == 0 ? Double.NaN : fwSum,
                iouN == 0 ? Double.NaN : diceSum / iouN,
                absent, perClass);
    }

    /** Names of the absent classes, for the report's note. */
    public List<String> absentClassNames() {
        List<String> out = new ArrayList<>();
        for (int id : absentClasses) {
            out.add(perClass.get(id).name());
        }
        return out;
    }
}
