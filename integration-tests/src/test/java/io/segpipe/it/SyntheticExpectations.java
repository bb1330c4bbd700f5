package io.segpipe.it;

import io.segpipe.prep.job.SplitSpec;
import io.segpipe.prep.synth.SyntheticConfig;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What prep must produce from a synthetic dataset, computed from the generator's rendering and the
 * split rule alone (not from anything prep wrote): sample ids and pixel counts per split.
 */
record SyntheticExpectations(Map<String, List<String>> idsBySplit, Map<String, long[]> classPixelsBySplit,
                             Map<String, Long> ignorePixelsBySplit, int numClasses, int height, int width) {

    static SyntheticExpectations of(SyntheticConfig config, SplitSpec split) {
        int k = SyntheticDatasetGenerator.classTable().numClasses();
        Map<String, List<String>> ids = new TreeMap<>();
        Map<String, long[]> pixels = new TreeMap<>();
        Map<String, Long> ignore = new TreeMap<>();
        for (int i = 0; i < config.samples(); i++) {
            SyntheticDatasetGenerator.Sample s = SyntheticDatasetGenerator.render(config, i);
            String splitName = split.assign(s.id());
            ids.computeIfAbsent(splitName, x -> new ArrayList<>()).add(s.id());
            long[] counts = pixels.computeIfAbsent(splitName, x -> new long[k]);
            for (byte b : s.label()) {
                int v = b & 0xFF;
                if (v == SyntheticDatasetGenerator.IGNORE) {
                    ignore.merge(splitName, 1L, Long::sum);
                } else {
                    counts[v]++;
                }
            }
        }
        ids.values().forEach(l -> l.sort(null));
        return new SyntheticExpectations(ids, pixels, ignore, k, config.height(), config.width());
    }

    long samples(String split) {
        return idsBySplit.getOrDefault(split, List.of()).size();
    }

    long total() {
        return idsBySplit.values().stream().mapToLong(List::size).sum();
    }

    /** Class id that covers the most pixels over all splits (the trivial predictor's answer). */
    int mostFrequentClass() {
        long[] sum = new long[numClasses];
        classPixelsBySplit.values().forEach(c -> {
            for (int i = 0; i < numClasses; i++) {
                sum[i] += c[i];
            }
        });
        int best = 0;
        for (int i = 1; i < numClasses; i++) {
            if (sum[i] > sum[best]) {
                best = i;
            }
        }
        return best;
    }
}
