package io.segpipe.jobs.demo;

/**
 * The knobs of {@link DemoJob}; everything else is fixed so that the demo finishes in a few
 * minutes on 2 cores and needs no data.
 *
 * @param work folder for the generated images, the prepared dataset, the model, the report and
 *     the scores; replaced on every run when it holds a previous demo (and refused otherwise)
 * @param samples synthetic image/label pairs, split 80/20 into train and val (default 160)
 * @param size height and width of the images (default 64)
 * @param epochs training epochs (default 12)
 * @param seed seed of the data, the network and training (default 7)
 */
public record DemoConfig(String work, int samples, int size, int epochs, long seed) {
    public DemoConfig {
        if (work == null || work.isBlank()) {
            throw new IllegalArgumentException("work must be set, found " + work);
        }
        if (samples < 20) {
            throw new IllegalArgumentException("samples must be >= 20, found " + samples);
        }
        if (size < 32 || size % 16 != 0) {
            throw new IllegalArgumentException("size must be a multiple of 16 and >= 32, found " + size);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, found " + epochs);
        }
    }

    public static DemoConfig defaults(String work) {
        return new DemoConfig(work, 160, 64, 12, 7);
    }
}
