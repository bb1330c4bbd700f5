package io.segpipe.prep.schema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loss weights per class computed from pixel counts, ignore label excluded. A class with no
 * pixels gets weight 0 (it cannot be balanced, and a weight for it would never be used).
 *
 * <ul>
 * <li>{@code inverseFrequency}: {@code n / (k * n_c)} with n the labelled pixels and k the classes
 * present, so a perfectly balanced dataset gives 1 everywhere.</li>
 * <li>{@code medianFrequency}: {@code median(f) / f_c} with {@code f_c = n_c / (pixels of the
 * images where c occurs)}; Eigen and Fergus, "Predicting Depth, Surface Normals and Semantic
 * Labels with a Common Multi-Scale Convolutional Architecture", ICCV 2015, as used by SegNet.</li>
 * </ul>
 *
 * @param basis which splits the counts came from, e.g. "train"
 */
public record ClassWeights(String basis, List<Double> inverseFrequency, List<Double> medianFrequency) {

    public ClassWeights {
        inverseFrequency = List.copyOf(inverseFrequency);
        medianFrequency = List.copyOf(medianFrequency);
    }

    /** Weights from the counts of {@code stats}. */
    public static ClassWeights compute(String basis, SplitStats stats) {
        int k = stats.classPixels().size();
        long labelled = 0;
        int present = 0;
        for (long n : stats.classPixels()) {
            labelled += n;
            present += n > 0 ? 1 : 0;
        }
        List<Double> inverse = new ArrayList<>(k);
        double[] freq = new double[k];
        List<Double> presentFreq = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            long n = stats.classPixels().get(c);
            inverse.add(n == 0 ? 0.0 : (double) labelled / ((double) present * n));
            freq[c] = n == 0 ? 0.0 : (double) n / stats.classImagePixels().get(c);
            if (n > 0) {
                presentFreq.add(freq[c]);
            }
        }
        double median = median(presentFreq);
        List<Double> medianWeights = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            medianWeights.add(freq[c] == 0 ? 0.0 : median / freq[c]);
        }
        return new ClassWeights(basis, inverse, medianWeights);
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return 0;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
}
