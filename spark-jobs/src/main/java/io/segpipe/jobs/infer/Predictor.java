package io.segpipe.jobs.infer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Reverse;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import io.segpipe.model.layers.BilinearInterpolation;
import io.segpipe.model.predict.Segmenter;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * Applies a {@link Segmenter} to batches of images in the mode an {@link InferenceConfig} asks for
 * (whole image, sliding window, multi-scale and flip averaging) and turns the averaged
 * probabilities into label maps and confidences. Executor-side; one instance per task thread
 * (its segmenter is not shared, see {@link ModelBroadcast}).
 *
 * <p>An <b>input scale</b> other than 1 (the model was trained on images resized by it) resizes
 * every image by it before the network sees it and the probabilities back to the image's size,
 * so label maps always have the input's resolution and metrics are computed against full-size
 * labels. It multiplies the configured scales: the network sees the sizes it saw in training.
 */
public final class Predictor {

    private final Segmenter segmenter;
    private final InferenceConfig config;
    private final double inputScale;
    private final int tileHeight;
    private final int tileWidth;

    /**
     * A predictor for a model trained at the images' stored resolution.
     *
     * @throws IllegalArgumentException when a sliding window is asked for without a tile size and
     *                                  the spec has no training input size
     */
    public Predictor(Segmenter segmenter, InferenceConfig config) {
        this(segmenter, config, 1.0);
    }

    /**
     * @param inputScale the factor the model's training resized images by, in (0, 4]
     * @throws IllegalArgumentException when a sliding window is asked for without a tile size and
     *                                  the spec has no training input size, or the scale is out of range
     */
    public Predictor(Segmenter segmenter, InferenceConfig config, double inputScale) {
        this.segmenter = Objects.requireNonNull(segmenter, "segmenter");
        this.config = Objects.requireNonNull(config, "config");
        if (!(inputScale > 0 && inputScale <= 4)) {
            throw new IllegalArgumentException("inputScale must be in (0, 4], found " + inputScale);
        }
        this.inputScale = inputScale;
        int[] tile = tileSize(segmenter.spec(), config);
        this.tileHeight = tile[0];
        this.tileWidth = tile[1];
    }

    /**
     * The window size of {@code config} for a model of {@code spec}: the configured tile, or the
     * spec's training size; {@code {0, 0}} for whole-image inference.
     *
     * @throws IllegalArgumentException naming the fields when a sliding window has no size
     */
    public static int[] tileSize(SegmentationSpec spec, InferenceConfig config) {
        if (!config.slidingWindow()) {
            return new int[] {0, 0};
        }
        if (config.tileHeight() > 0) {
            return new int[] {config.tileHeight(), config.tileWidth()};
        }
        if (!spec.hasFixedInputSize()) {
            throw new IllegalArgumentException("inference.tileHeight/tileWidth must be set for a sliding window: the model's "
                    + "spec has no training input size (inputHeight = inputWidth = 0)");
        }
        return new int[] {spec.inputHeight(), spec.inputWidth()};
    }

    public SegmentationSpec spec() {
        return segmenter.spec();
    }

    public InferenceConfig config() {
        return config;
    }

    /** The factor images are resized by before the network sees them. */
    public double inputScale() {
        return inputScale;
    }

    /**
     * Averaged class probabilities, at the images' size.
     *
     * @param images {@code [N, C, H, W]} float
     * @return {@code [N, K, H, W]} float
     */
    public INDArray probabilities(INDArray images) {
        if (config.singlePass() && inputScale == 1.0) {
            return windowed(images);
        }
        long h = images.size(2);
        long w = images.size(3);
        INDArray sum = null;
        int passes = 0;
        for (double configured : config.scales()) {
            double scale = configured * inputScale;
            long sh = Math.max(1, Math.round(h * scale));
            long sw = Math.max(1, Math.round(w * scale));
            INDArray scaled = sh == h && sw == w ? images : resize(images, sh, sw);
            INDArray p = windowed(scaled);
            passes++;
            if (config.flip()) {
                p.addi(flipWidth(windowed(flipWidth(scaled))));
                passes++;
            }
            if (sh != h || sw != w) {
                p = resize(p, h, w);
            }
            sum = sum == null ? p : sum.addi(p);
        }
        return sum.divi(passes);
    }

    /**
     * Labels and (optionally) confidences of a batch.
     *
     * @param images         {@code [N, C, H, W]} float
     * @param withConfidence also compute the mean max-probability per image
     */
    public BatchPrediction predict(INDArray images, boolean withConfidence) {
        INDArray p = probabilities(images);
        int n = (int) p.size(0);
        int plane = Math.toIntExact(p.size(2) * p.size(3));
        int[] labels = Segmenter.argMax(p).dup('c').data().asInt();
        double[] confidence = null;
        if (withConfidence) {
            confidence = p.max(1).reshape(n, plane).mean(1).castTo(DataType.DOUBLE).toDoubleVector();
        }
        return new BatchPrediction(n, (int) p.size(2), (int) p.size(3), labels, confidence);
    }

    /** Half-pixel centres, so an image scaled down and its probabilities scaled back stay aligned. */
    private static INDArray resize(INDArray x, long height, long width) {
        return BilinearInterpolation.resize(x, height, width, BilinearInterpolation.Alignment.HALF_PIXEL);
    }

    /** Whole image or sliding window, at the current scale. */
    private INDArray windowed(INDArray images) {
        if (tileHeight == 0) {
            return segmenter.probabilities(images);
        }
        int h = (int) images.size(2);
        int w = (int) images.size(3);
        int th = Math.min(tileHeight, h);
        int tw = Math.min(tileWidth, w);
        if (th == h && tw == w) {
            return segmenter.probabilities(images);
        }
        int[] ys = windowStarts(h, th, config.overlap());
        int[] xs = windowStarts(w, tw, config.overlap());
        INDArray sum = null;
        float[] hits = new float[h * w];
        for (int y : ys) {
            for (int x : xs) {
                INDArrayIndex[] window = {NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(y, y + th),
                    NDArrayIndex.interval(x, x + tw)};
                INDArray p = segmenter.probabilities(images.get(window).dup('c'));
                if (sum == null) {
                    sum = Nd4j.zeros(DataType.FLOAT, images.size(0), p.size(1), h, w);
                }
                sum.get(window).addi(p);
                for (int yy = y; yy < y + th; yy++) {
                    for (int xx = x; xx < x + tw; xx++) {
                        hits[yy * w + xx]++;
                    }
                }
            }
        }
        INDArray count = Nd4j.createFromArray(hits).reshape(1, 1, h, w);
        return sum.divi(count.broadcast(sum.shape()));
    }

    /**
     * Start offsets of windows of {@code tile} covering {@code size} with the given overlap: the
     * stride is {@code floor(tile * (1 - overlap))} (at least 1) and the last window is aligned
     * to the end, so every pixel is covered and no window leaves the image.
     */
    static int[] windowStarts(int size, int tile, double overlap) {
        if (tile >= size) {
            return new int[] {0};
        }
        int stride = Math.max(1, (int) Math.floor(tile * (1 - overlap)));
        List<Integer> starts = new ArrayList<>();
        for (int s = 0; ; s += stride) {
            if (s + tile >= size) {
                starts.add(size - tile);
                break;
            }
            starts.add(s);
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Mirrors {@code [N, C, H, W]} left-right (a new array). */
    static INDArray flipWidth(INDArray x) {
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape());
        Nd4j.exec(new Reverse(x, out, 3));
        return out;
    }

    /**
     * Predictions of one batch of same-size images.
     *
     * @param count      images
     * @param height     rows
     * @param width      columns
     * @param labels     {@code count * height * width} class ids, image after image, row-major
     * @param confidence per image the mean over pixels of the highest class probability, or null
     */
    public record BatchPrediction(int count, int height, int width, int[] labels, double[] confidence) {

        /** Image {@code i}'s share of the batch (NaN confidence when none was computed). */
        public ImagePrediction image(int i) {
            return new ImagePrediction(height, width, labels, i * height * width,
                    confidence == null ? Double.NaN : confidence[i]);
        }
    }
}
