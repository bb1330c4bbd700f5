package io.segpipe.jobs.data;

import java.io.Serializable;
import java.util.SplittableRandom;

import io.segpipe.prep.reader.TensorSample;

/**
 * Geometric and photometric augmentation of decoded samples, executed on executors. One pass maps
 * every pixel of the output crop back to the source image through (in this order) the random
 * scale, the horizontal flip, the elastic displacement and the crop offset; the image is sampled
 * bilinearly and the label by nearest neighbour, so <b>labels are never interpolated</b> and
 * image and label always move together. Output pixels that fall outside the (scaled) source -
 * when the scaled image is smaller than the crop - become 0 in the image and the <b>ignore
 * label</b> in the label, so padding takes part in no loss. Pixel centres are at half-integer
 * coordinates, as in data-prep's {@code Resampler}. Photometric jitter (brightness, contrast)
 * then changes the image only.
 *
 * <p>Randomness comes only from the {@link SplittableRandom} the caller passes, which the
 * training job derives from (seed, epoch, sample id): an epoch's augmented data is reproducible,
 * whatever the partitioning.
 */
public final class Augmenter implements Serializable {
    private static final long serialVersionUID = 1L;

    private final AugmentConfig config;
    private final int cropHeight;
    private final int cropWidth;
    private final int ignoreLabel;

    /**
     * @param config      what to randomise
     * @param cropHeight  training height
     * @param cropWidth   training width
     * @param ignoreLabel label given to padded pixels; the dataset's ignore label
     */
    public Augmenter(AugmentConfig config, int cropHeight, int cropWidth, int ignoreLabel) {
        if (cropHeight < 1 || cropWidth < 1) {
            throw new IllegalArgumentException("crop size must be >= 1x1, found " + cropHeight + "x" + cropWidth);
        }
        this.config = config;
        this.cropHeight = cropHeight;
        this.cropWidth = cropWidth;
        this.ignoreLabel = ignoreLabel;
    }

    /** The random parameters of one augmentation, drawn from {@code rnd}; exposed for tests. */
    record Draw(double scale, boolean flip, int offsetY, int offsetX, float[] dy, float[] dx, float brightness,
                float contrast) {
    }

    /**
     * Augments one sample.
     *
     * @param baseScale resize applied before the random scale (the job's inputScale, 1 = none)
     */
    public TensorSample apply(TensorSample s, double baseScale, SplittableRandom rnd) {
        return apply(s, draw(s, baseScale, rnd));
    }

    Draw draw(TensorSample s, double baseScale, SplittableRandom rnd) {
        double scale = baseScale * (config.scaleMin() + (config.scaleMax() - config.scaleMin()) * rnd.nextDouble());
        boolean flip = config.horizontalFlip() && rnd.nextBoolean();
        int scaledH = Math.max(1, (int) Math.round(s.height() * scale));
        int scaledW = Math.max(1, (int) Math.round(s.width() * scale));
        int offsetY = offset(scaledH, cropHeight, rnd);
        int offsetX = offset(scaledW, cropWidth, rnd);
        float[] dy = null;
        float[] dx = null;
        if (config.elasticProbability() > 0 && rnd.nextDouble() < config.elasticProbability()) {
            dy = displacementField(rnd);
            dx = displacementField(rnd);
        }
        float brightness = config.brightness() > 0 ? (float) ((rnd.nextDouble() * 2 - 1) * config.brightness()) : 0f;
        float contrast = config.contrast() > 0 ? (float) (1 + (rnd.nextDouble() * 2 - 1) * config.contrast()) : 1f;
        return new Draw(scale, flip, offsetY, offsetX, dy, dx, brightness, contrast);
    }

    /** Crop offset in the scaled image: inside it when it is larger, a random placement inside the crop otherwise. */
    private static int offset(int scaled, int crop, SplittableRandom rnd) {
        int lo = Math.min(0, scaled - crop);
        int hi = Math.max(0, scaled - crop);
        return lo == hi ? lo : lo + rnd.nextInt(hi - lo + 1);
    }

    /** A smooth displacement field over the crop: N(0, sigma) on a grid x grid lattice, bilinearly interpolated. */
    private float[] displacementField(SplittableRandom rnd) {
        int g = config.elasticGrid();
        double[] coarse = new double[g * g];
        for (int i = 0; i < coarse.length; i++) {
            coarse[i] = gaussian(rnd) * config.elasticSigma();
        }
        float[] field = new float[cropHeight * cropWidth];
        for (int y = 0; y < cropHeight; y++) {
            double gy = cropHeight == 1 ? 0 : (double) y * (g - 1) / (cropHeight - 1);
            int y0 = Math.min((int) gy, g - 2);
            double fy = gy - y0;
            for (int x = 0; x < cropWidth; x++) {
                double gx = cropWidth == 1 ? 0 : (double) x * (g - 1) / (cropWidth - 1);
                int x0 = Math.min((int) gx, g - 2);
                double fx = gx - x0;
                double top = coarse[y0 * g + x0] * (1 - fx) + coarse[y0 * g + x0 + 1] * fx;
                double bottom = coarse[(y0 + 1) * g + x0] * (1 - fx) + coarse[(y0 + 1) * g + x0 + 1] * fx;
                field[y * cropWidth + x] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
        return field;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    TensorSample apply(TensorSample s, Draw d) {
        int h = s.height();
        int w = s.width();
        int c = s.channels();
        int scaledH = Math.max(1, (int) Math.round(h * d.scale()));
        int scaledW = Math.max(1, (int) Math.round(w * d.scale()));
        double sy = (double) h / scaledH;
        double sx = (double) w / scaledW;
        int plane = cropHeight * cropWidth;
        float[] image = new float[c * plane];
        int[] label = new int[plane];
        int srcPlane = h * w;
        float[] src = s.image();
        int[] srcLabel = s.label();
        for (int y = 0; y < cropHeight; y++) {
            for (int x = 0; x < cropWidth; x++) {
                int o = y * cropWidth + x;
                // position in the scaled (and flipped) image, then displaced
                double py = y + d.offsetY();
                double px = x + d.offsetX();
                if (d.dy() != null) {
                    py += d.dy()[o];
                    px += d.dx()[o];
                }
                if (d.flip()) {
                    px = scaledW - 1 - px;
                }
                // to source coordinates (pixel centres at +0.5)
                double ry = (py + 0.5) * sy - 0.5;
                double rx = (px + 0.5) * sx - 0.5;
                if (ry < -0.5 || ry >= h - 0.5 || rx < -0.5 || rx >= w - 0.5) {
                    label[o] = ignoreLabel;
                    continue; // image stays 0: padding
                }
                int ny = Math.min(h - 1, Math.max(0, (int) Math.floor(ry + 0.5)));
                int nx = Math.min(w - 1, Math.max(0, (int) Math.floor(rx + 0.5)));
                label[o] = srcLabel[ny * w + nx];
                double cy = Math.min(h - 1, Math.max(0, ry));
                double cx = Math.min(w - 1, Math.max(0, rx));
                int y0 = (int) cy;
                int x0 = (int) cx;
                int y1 = Math.min(h - 1, y0 + 1);
                int x1 = Math.min(w - 1, x0 + 1);
                float fy = (float) (cy - y0);
                float fx = (float) (cx - x0);
                for (int ch = 0; ch < c; ch++) {
                    int base = ch * srcPlane;
                    float a = src[base + y0 * w + x0];
                    float b = src[base + y0 * w + x1];
                    float e = src[base + y1 * w + x0];
                    float f = src[base + y1 * w + x1];
                    float top = a + (b - a) * fx;
                    float bottom = e + (f - e) * fx;
                    image[ch * plane + o] = top + (bottom - top) * fy;
                }
            }
        }
        if (d.brightness() != 0 || d.contrast() != 1) {
            photometric(image, c, plane, d.brightness(), d.contrast());
        }
        return new TensorSample(s.id(), s.split(), c, cropHeight, cropWidth, image, label);
    }

    private static void photometric(float[] image, int channels, int plane, float brightness, float contrast) {
        for (int ch = 0; ch < channels; ch++) {
            double sum = 0;
            for (int i = 0; i < plane; i++) {
                sum += image[ch * plane + i];
            }
            float mean = (float) (sum / plane);
            for (int i = 0; i < plane; i++) {
                int k = ch * plane + i;
                image[k] = (image[k] - mean) * contrast + mean + brightness;
            }
        }
    }

    /**
     * Resizes a sample by {@code scale} without any randomness (bilinear image, nearest-neighbour
     * label); returns {@code s} itself for scale 1. Used for validation at the training resolution.
     */
    public static TensorSample resize(TensorSample s, double scale, int ignoreLabel) {
        if (scale == 1.0) {
            return s;
        }
        int h = Math.max(1, (int) Math.round(s.height() * scale));
        int w = Math.max(1, (int) Math.round(s.width() * scale));
        Augmenter a = new Augmenter(AugmentConfig.NONE, h, w, ignoreLabel);
        return a.apply(s, new Draw(scale, false, 0, 0, null, null, 0f, 1f));
    }

    /** A random source for one sample of one epoch: depends only on the seed, the epoch and the sample id. */
    public static SplittableRandom random(long seed, int epoch, String id) {
        long h = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < id.length(); i++) {
            h = (h ^ id.charAt(i)) * 0x100000001B3L;
        }
        return new SplittableRandom(mix(seed ^ mix(epoch + 0x632BE59BD9B4E019L) ^ mix(h)));
    }

    /** A random sort key of a sample in an epoch (the per-epoch shuffle). */
    public static long shuffleKey(long seed, int epoch, String id) {
        return random(seed ^ 0x5DEECE66DL, epoch, id).nextLong();
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
