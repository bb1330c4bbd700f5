package io.segpipe.prep.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts for one split of a prepared dataset.
 *
 * @param samples          rows
 * @param pixels           all label pixels, ignored ones included
 * @param ignorePixels     pixels with the ignore label
 * @param classPixels      pixels per class id
 * @param classImagePixels per class id, the non-ignored pixels of the images where the class
 *                         occurs (the denominator of median-frequency balancing)
 */
public record SplitStats(long samples, long pixels, long ignorePixels, List<Long> classPixels, List<Long> classImagePixels) {

    public SplitStats {
        classPixels = List.copyOf(classPixels);
        classImagePixels = List.copyOf(classImagePixels);
        if (classPixels.size() != classImagePixels.size()) {
            throw new IllegalArgumentException("classPixels has " + classPixels.size() + " entries but classImagePixels "
                    + classImagePixels.size());
        }
    }

    /** Builds from arrays (copied). */
    public static SplitStats of(long samples, long pixels, long ignorePixels, long[] classPixels, long[] classImagePixels) {
        return new SplitStats(samples, pixels, ignorePixels, boxed(classPixels), boxed(classImagePixels));
    }

    /** Sum of several splits. */
    public static SplitStats sum(List<SplitStats> parts, int numClasses) {
        long samples = 0;
        long pixels = 0;
        long ignore = 0;
        long[] cp = new long[numClasses];
        long[] cip = new long[numClasses];
        for (SplitStats s : parts) {
            samples += s.samples;
            pixels += s.pixels;
            ignore += s.ignorePixels;
            for (int c = 0; c < numClasses; c++) {
                cp[c] += s.classPixels.get(c);
                cip[c] += s.classImagePixels.get(c);
            }
        }
        return of(samples, pixels, ignore, cp, cip);
    }

    private static List<Long> boxed(long[] values) {
        List<Long> out = new ArrayList<>(values.length);
        for (long v : values) {
            out.add(v);
        }
        return out;
    }
}
