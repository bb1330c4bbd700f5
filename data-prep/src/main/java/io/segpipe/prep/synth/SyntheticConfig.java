package io.segpipe.prep.synth;

import io.segpipe.prep.Checks;

/**
 * What {@link SyntheticDatasetGenerator} draws.
 *
 * @param samples       number of image/label pairs (default 64)
 * @param height        image height (default 64)
 * @param width         image width (default 64)
 * @param maxObjects    shapes per image, drawn uniformly from 1..maxObjects (default 3)
 * @param ignoreBorders mark a thin ring along shape borders with the ignore label, as Pascal VOC does (default true)
 * @param seed          random seed; same seed and sizes give byte-identical files (default 7)
 */
public record SyntheticConfig(int samples, int height, int width, int maxObjects, boolean ignoreBorders, long seed) {

    public static final SyntheticConfig DEFAULT = new SyntheticConfig(64, 64, 64, 3, true, 7L);

    public SyntheticConfig {
        Checks.atLeast("samples", samples, 1);
        Checks.atLeast("height", height, 16);
        Checks.atLeast("width", width, 16);
        Checks.atLeast("maxObjects", maxObjects, 1);
    }

    public SyntheticConfig withSamples(int n) {
        return new SyntheticConfig(n, height, width, maxObjects, ignoreBorders, seed);
    }

    public SyntheticConfig withSize(int h, int w) {
        return new SyntheticConfig(samples, h, w, maxObjects, ignoreBorders, seed);
    }

    public SyntheticConfig withSeed(long s) {
        return new SyntheticConfig(samples, height, width, maxObjects, ignoreBorders, s);
    }
}
