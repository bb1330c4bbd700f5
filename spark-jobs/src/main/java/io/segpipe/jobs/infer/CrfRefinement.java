package io.segpipe.jobs.infer;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import io.segpipe.model.crf.CrfConfig;
import io.segpipe.model.crf.CrfImage;
import io.segpipe.model.crf.DenseCrf;
import io.segpipe.prep.reader.TensorSample;

/**
 * The dense CRF as the last step of inference ({@link InferenceConfig#crf()}): a batch's averaged
 * probabilities, image by image, refined by {@link DenseCrf} (Krähenbühl &amp; Koltun, NIPS 2011)
 * against the image's own 8-bit colours, and the labels and confidences taken from the refined
 * distribution. {@link Predictor} calls it in place of the plain arg-max when the CRF is on.
 *
 * <p>The colours are the decoded image's bytes ({@link TensorSample#pixels()}), carried beside the
 * normalised tensor, not recovered from it: the network input may be resized, and inverting a
 * normalisation in float arithmetic need not round back to the same byte. The probabilities are
 * those of the image at its stored size (the {@link Predictor} resizes every mode's output back),
 * so the CRF always runs at the image's full resolution.
 *
 * <p>Immutable and thread-safe; plain Java on the calling thread, one image after another.
 */
public final class CrfRefinement {

    private final DenseCrf crf;

    public CrfRefinement(CrfConfig config) {
        this.crf = new DenseCrf(Objects.requireNonNull(config, "config"));
    }

    public CrfConfig config() {
        return crf.config();
    }

    /**
     * Labels and (optionally) confidences of a batch from its probabilities and its images.
     *
     * @param probabilities  {@code [N, K, H, W]} softmax probabilities at the images' size
     * @param images         the N images, each {@code H x W}, in batch order
     * @param withConfidence also compute each image's mean over pixels of its highest refined probability
     * @throws IllegalArgumentException naming {@value InferenceConfig#CRF_KEY} when an image's size is not
     *                                  the probabilities' or the counts differ
     */
    public Predictor.BatchPrediction predict(INDArray probabilities, List<CrfImage> images, boolean withConfidence) {
        if (probabilities.rank() != 4) {
            throw new IllegalArgumentException("probabilities must be [N, K, H, W], found shape "
                    + Arrays.toString(probabilities.shape()));
        }
        int n = (int) probabilities.size(0);
        int classes = (int) probabilities.size(1);
        int height = (int) probabilities.size(2);
        int width = (int) probabilities.size(3);
        if (images.size() != n) {
            throw new IllegalArgumentException(InferenceConfig.CRF_KEY + " needs one image per prediction: " + n
                    + " probability maps but " + images.size() + " images");
        }
        int plane = height * width;
        int[] labels = new int[n * plane];
        double[] confidence = withConfidence ? new double[n] : null;
        for (int i = 0; i < n; i++) {
            CrfImage image = images.get(i);
            if (image.height() != height || image.width() != width) {
                throw new IllegalArgumentException(InferenceConfig.CRF_KEY + " runs at the image's own size: image " + i
                        + " of the batch is " + image.height() + "x" + image.width() + " but its probabilities are "
                        + height + "x" + width + " (height x width); probabilities must be resized back to the image "
                        + "before the CRF");
            }
            float[] p = probabilities.get(NDArrayIndex.point(i)).dup('c').data().asFloat();
            float[] q = crf.refine(p, classes, height, width, image);
            int[] own = DenseCrf.argMax(q, classes, height, width);
            System.arraycopy(own, 0, labels, i * plane, plane);
            if (withConfidence) {
                confidence[i] = meanMax(q, classes, plane);
            }
        }
        return new Predictor.BatchPrediction(n, height, width, labels, confidence);
    }

    /** The sample's decoded 8-bit colours as the CRF reads them. */
    public static CrfImage image(TensorSample sample) {
        if (sample.pixels() == null) {
            throw new IllegalStateException("sample " + sample.id() + " was decoded without its 8-bit pixels, which "
                    + InferenceConfig.CRF_KEY + " compares; decode with the pixels kept (RowDecoder.keepingPixels)");
        }
        return CrfImage.interleaved(sample.pixels(), sample.height(), sample.width(), sample.channels());
    }

    /** Mean over pixels of the highest class probability; {@code q} is class-planar. */
    private static double meanMax(float[] q, int classes, int plane) {
        double sum = 0;
        for (int p = 0; p < plane; p++) {
            float best = q[p];
            for (int l = 1; l < classes; l++) {
                best = Math.max(best, q[l * plane + p]);
            }
            sum += best;
        }
        return sum / plane;
    }
}
