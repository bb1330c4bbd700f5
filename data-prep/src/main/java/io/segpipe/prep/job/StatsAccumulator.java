package io.segpipe.prep.job;

import io.segpipe.prep.schema.SplitStats;

import java.io.Serializable;

/** Mergeable counts of one split, folded over the written samples on executors. */
final class StatsAccumulator implements Serializable {

    private static final long serialVersionUID = 1L;

    private long samples;
    private long pixels;
    private long ignorePixels;
    private final long[] classPixels;
    private final long[] classImagePixels;

    StatsAccumulator(int numClasses) {
        classPixels = new long[numClasses];
        classImagePixels = new long[numClasses];
    }

    StatsAccumulator add(int height, int width, long[] perClass) {
        long labelled = 0;
        for (long n : perClass) {
            labelled += n;
        }
        samples++;
        pixels += (long) height * width;
        ignorePixels += (long) height * width - labelled;
        for (int c = 0; c < classPixels.length; c++) {
            long n = perClass[c];
            classPixels[c] += n;
            if (n > 0) {
                classImagePixels[c] += labelled;
            }
        }
        return this;
    }

    StatsAccumulator merge(StatsAccumulator o) {
        samples += o.samples;
        pixels += o.pixels;
        ignorePixels += o.ignorePixels;
        for (int c = 0; c < classPixels.length; c++) {
            classPixels[c] += o.classPixels[c];
            classImagePixels[c] += o.classImagePixels[c];
        }
        return this;
    }

    SplitStats toStats() {
        return SplitStats.of(samples, pixels, ignorePixels, classPixels, classImagePixels);
    }
}
