package io.segpipe.prep.job;

import io.segpipe.prep.Hashes;
import io.segpipe.prep.layout.Splits;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Split assignment for samples whose layout gives none: a SHA-256 hash of {@code seed:id} mapped
 * to [0, 1) picks the split by cumulative fraction, in the order given. The same id always lands
 * in the same split (for the same seed and fractions), whatever else is in the dataset, so adding
 * images never moves existing ones between train and val.
 *
 * @param fractions split name to fraction, each > 0, summing to 1 (default train 0.8, val 0.2)
 * @param seed      mixed into the hash; change it to draw a different split (default 42)
 */
public record SplitSpec(Map<String, Double> fractions, long seed) {

    public static final SplitSpec DEFAULT = new SplitSpec(defaultFractions(), 42L);

    public SplitSpec {
        if (fractions == null || fractions.isEmpty()) {
            throw new IllegalArgumentException("split.fractions must name at least one split, found " + fractions);
        }
        double sum = 0;
        for (Map.Entry<String, Double> e : fractions.entrySet()) {
            Splits.requireName("split.fractions key", e.getKey());
            if (e.getValue() == null || !(e.getValue() > 0 && e.getValue() <= 1)) {
                throw new IllegalArgumentException("split.fractions." + e.getKey() + " must be in (0, 1], found " + e.getValue());
            }
            sum += e.getValue();
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw new IllegalArgumentException("split.fractions must sum to 1, found " + sum + " " + fractions);
        }
        fractions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fractions));
    }

    private static Map<String, Double> defaultFractions() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("train", 0.8);
        m.put("val", 0.2);
        return m;
    }

    /** The split of {@code id}. */
    public String assign(String id) {
        double u = unitHash(seed, id);
        double cumulative = 0;
        String last = null;
        for (Map.Entry<String, Double> e : fractions.entrySet()) {
            cumulative += e.getValue();
            last = e.getKey();
            if (u < cumulative) {
                return last;
            }
        }
        return last; // u within rounding of 1.0
    }

    /** A uniform value in [0, 1) from the first 53 bits of SHA-256({@code seed:id}). */
    static double unitHash(long seed, String id) {
        byte[] d = Hashes.sha256().digest((seed + ":" + id).getBytes(StandardCharsets.UTF_8));
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (d[i] & 0xFF);
        }
        return (bits >>> 11) * 0x1.0p-53;
    }
}
