package io.segpipe.jobs.eval;

import java.io.Serializable;
import java.util.Comparator;

/**
 * How well one image was segmented: its own mIoU and pixel accuracy, the numbers the report ranks
 * images by (worst examples, {@value EvalReport#PER_IMAGE}).
 *
 * <p><b>Definition.</b> Over the image's pixels whose ground truth is not the ignore label (ignored
 * pixels count nowhere, whatever was predicted there), with {@code TP_k}, {@code FP_k},
 * {@code FN_k} counted as in {@link SegmentationMetrics}:
 * <ul>
 *   <li>a class is <em>present</em> in the image when it occurs in its ground truth or its
 *       prediction ({@code TP_k + FP_k + FN_k > 0});</li>
 *   <li>{@code meanIoU} = the mean of {@code IoU_k = TP_k / (TP_k + FP_k + FN_k)} over the present
 *       classes, so a class the image does not show and the model did not predict neither helps
 *       nor hurts it, and a class predicted but not in the truth counts with IoU 0;</li>
 *   <li>{@code pixelAccuracy} = correct pixels / counted pixels.</li>
 * </ul>
 * Both are NaN for an image whose every pixel is ignored ({@code pixels == 0}). This is the
 * dataset's mIoU ({@link SegmentationMetrics#meanIoU()}) applied to the image's own confusion
 * matrix; the mean of the images' mIoU is not the dataset's mIoU (which pools pixels first).
 *
 * @param id            sample id
 * @param meanIoU       mean IoU over the classes present in the image, NaN when no pixel counted
 * @param pixelAccuracy correct / counted pixels, NaN when no pixel counted
 * @param pixels        pixels counted (not ignored)
 * @param ignoredPixels pixels whose ground truth is the ignore label
 * @param classes       number of classes present (in the truth or the prediction of counted pixels)
 */
public record ImageScore(String id, double meanIoU, double pixelAccuracy, long pixels, long ignoredPixels, int classes)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Worst first: ascending {@code meanIoU}, ties broken by ascending id; images whose mIoU is NaN
     * (nothing counted) sort last.
     */
    public static final Comparator<ImageScore> WORST_FIRST = (a, b) -> {
        boolean an = Double.isNaN(a.meanIoU);
        boolean bn = Double.isNaN(b.meanIoU);
        if (an != bn) {
            return an ? 1 : -1;
        }
        int c = an ? 0 : Double.compare(a.meanIoU, b.meanIoU);
        return c != 0 ? c : a.id.compareTo(b.id);
    };

    /** True when the image had counted pixels, so its numbers are defined. */
    public boolean defined() {
        return pixels > 0;
    }

    /**
     * The score of one image: {@code length} pixels of {@code truth} from {@code truthOffset}
     * against {@code prediction} from {@code predictionOffset}.
     *
     * @param numClasses  K; truth values other than the ignore label and predictions must be in [0, K)
     * @param ignoreLabel the ignored ground-truth value, or -1 for none
     * @throws IllegalArgumentException for a value outside the class ids (as {@link ConfusionMatrix#add} would)
     */
    public static ImageScore of(String id, int[] truth, int truthOffset, int[] prediction, int predictionOffset,
                                int length, int numClasses, int ignoreLabel) {
        long[] tp = new long[numClasses];
        long[] inTruth = new long[numClasses];
        long[] predicted = new long[numClasses];
        long counted = 0;
        long ignored = 0;
        for (int i = 0; i < length; i++) {
            int t = truth[truthOffset + i];
            if (t == ignoreLabel) {
                ignored++;
                continue;
            }
            int p = prediction[predictionOffset + i];
            if (t < 0 || t >= numClasses || p < 0 || p >= numClasses) {
                throw new IllegalArgumentException("image " + id + " pixel " + i + ": ground truth " + t + ", prediction "
                        + p + "; both must be class ids in [0, " + numClasses + ")"
                        + (ignoreLabel < 0 ? "" : " (or the ignore label " + ignoreLabel + " in the truth)"));
            }
            counted++;
            inTruth[t]++;
            predicted[p]++;
            if (t == p) {
                tp[t]++;
            }
        }
        double iouSum = 0;
        int present = 0;
        long correct = 0;
        for (int k = 0; k < numClasses; k++) {
            long union = inTruth[k] + predicted[k] - tp[k];
            correct += tp[k];
            if (union > 0) {
                iouSum += (double) tp[k] / union;
                present++;
            }
        }
        return new ImageScore(id, present == 0 ? Double.NaN : iouSum / present,
                counted == 0 ? Double.NaN : (double) correct / counted, counted, ignored, present);
    }
}
