package io.segpipe.prep.synth;

import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.codec.RasterImage;
import io.segpipe.prep.fs.AtomicFs;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.schema.ClassInfo;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.Rgb;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws RGB images of discs, squares and triangles on striped, noisy backgrounds, with label
 * PNGs of class ids (0 background, 1 disc, 2 square, 3 triangle, 255 ignored border ring). Each
 * shape class has its own hue and geometry, so a small U-Net learns it within a few epochs;
 * colours are jittered per object and the background texture varies, so it is not trivial either.
 * Sample {@code i} depends only on {@code (seed, i)} and the sizes.
 */
public final class SyntheticDatasetGenerator {

    /** The label value of ignored border pixels. */
    public static final int IGNORE = 255;
    public static final String IMAGES = "images";
    public static final String LABELS = "labels";

    private static final int[][] CLASS_RGB = {{0, 0, 0}, {200, 60, 60}, {60, 180, 60}, {60, 80, 200}};

    private SyntheticDatasetGenerator() {
    }

    /** The classes the generator draws, ignore label 255. */
    public static ClassTable classTable() {
        String[] names = {"background", "disc", "square", "triangle"};
        List<ClassInfo> classes = new java.util.ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            classes.add(new ClassInfo(i, names[i], i == 0 ? new Rgb(0, 0, 0)
                    : new Rgb(CLASS_RGB[i][0], CLASS_RGB[i][1], CLASS_RGB[i][2])));
        }
        return new ClassTable(classes, IGNORE, "border", new Rgb(255, 255, 255));
    }

    /** One rendered pair: RGB image and one class id (or 255) per pixel. */
    public record Sample(String id, RasterImage image, byte[] label) {
    }

    /** Sample id of index {@code i}. */
    public static String id(int i) {
        return String.format("synth_%05d", i);
    }

    /**
     * Writes {@code root/images/<id>.png} and {@code root/labels/<id>.png} for every sample, each file
     * atomically.
     *
     * @return the input spec that reads them back (one folder pair, splits by hash)
     */
    public static PairedFolders generate(SyntheticConfig config, String root, Configuration conf) throws IOException {
        Path rootPath = new Path(root);
        FileSystem fs = rootPath.getFileSystem(conf);
        for (int i = 0; i < config.samples(); i++) {
            Sample s = render(config, i);
            byte[] png = ImageCodec.encodePng(s.image());
            byte[] lab = ImageCodec.encodeGreyPng(config.width(), config.height(), s.label());
            AtomicFs.writeFile(fs, new Path(rootPath, IMAGES + "/" + s.id() + ".png"), true, out -> out.write(png));
            AtomicFs.writeFile(fs, new Path(rootPath, LABELS + "/" + s.id() + ".png"), true, out -> out.write(lab));
        }
        return PairedFolders.of(fs.makeQualified(rootPath).toString(), IMAGES, LABELS);
    }

    /** Renders sample {@code index} in memory. */
    public static Sample render(SyntheticConfig config, int index) {
        int h = config.height();
        int w = config.width();
        SplittableRandom rnd = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + index);
        byte[] px = new byte[h * w * 3];
        byte[] label = new byte[h * w];

        // Background: low-saturation base colour, sinusoidal stripes at a random angle, noise.
        int grey = 70 + rnd.nextInt(110);
        int[] base = {grey + rnd.nextInt(-15, 16), grey + rnd.nextInt(-15, 16), grey + rnd.nextInt(-15, 16)};
        double angle = rnd.nextDouble() * Math.PI;
        double freq = 0.15 + rnd.nextDouble() * 0.5;
        double amp = 10 + rnd.nextDouble() * 25;
        double ca = Math.cos(angle);
        double sa = Math.sin(angle);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double stripe = amp * Math.sin(freq * (x * ca + y * sa));
                for (int c = 0; c < 3; c++) {
                    px[(y * w + x) * 3 + c] = clamp(base[c] + stripe + rnd.nextInt(-12, 13));
                }
            }
        }

        int objects = 1 + rnd.nextInt(config.maxObjects());
        int minSide = Math.min(h, w);
        for (int o = 0; o < objects; o++) {
            int cls = 1 + rnd.nextInt(3);
            int r = minSide / 8 + rnd.nextInt(Math.max(1, minSide / 8));
            int cx = rnd.nextInt(w);
            int cy = rnd.nextInt(h);
            int[] colour = new int[3];
            for (int c = 0; c < 3; c++) {
                colour[c] = CLASS_RGB[cls][c] + rnd.nextInt(-25, 26);
            }
            for (int y = Math.max(0, cy - r); y <= Math.min(h - 1, cy + r); y++) {
                for (int x = Math.max(0, cx - r); x <= Math.min(w - 1, cx + r); x++) {
                    if (inside(cls, x - cx, y - cy, r)) {
                        label[y * w + x] = (byte) cls;
                        for (int c = 0; c < 3; c++) {
                            px[(y * w + x) * 3 + c] = clamp(colour[c] + rnd.nextInt(-10, 11));
                        }
                    }
                }
            }
        }
        if (config.ignoreBorders()) {
            markBorders(label, w, h);
        }
        return new Sample(id(index), new RasterImage(w, h, 3, px), label);
    }

    private static boolean inside(int cls, int dx, int dy, int r) {
        return switch (cls) {
            case 1 -> dx * dx + dy * dy <= r * r;
            case 2 -> Math.abs(dx) <= r * 3 / 4 && Math.abs(dy) <= r * 3 / 4;
            default -> dy >= -r && dy <= r && 2 * Math.abs(dx) <= dy + r;
        };
    }

    /** Pixels whose class differs from the pixel to the right or below become ignored (a ring about 2 px wide). */
    private static void markBorders(byte[] label, int w, int h) {
        boolean[] border = new boolean[label.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (x + 1 < w && label[i] != label[i + 1]) {
                    border[i] = true;
                    border[i + 1] = true;
                }
                if (y + 1 < h && label[i] != label[i + w]) {
                    border[i] = true;
                    border[i + w] = true;
                }
            }
        }
        for (int i = 0; i < label.length; i++) {
            if (border[i]) {
                label[i] = (byte) IGNORE;
            }
        }
    }

    private static byte clamp(double v) {
        return (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
    }
}
