package io.segpipe.jobs.infer;

/**
 * One image's prediction inside a batch's: its label map is the {@link #pixels()} values of the
 * batch's {@code labels} array from {@link #offset}, read in place rather than copied (the
 * confusion matrix and the mask renderer take an array and an offset).
 *
 * @param height     rows
 * @param width      columns
 * @param labels     the batch's class ids, image after image, row-major
 * @param offset     where this image's label map starts in {@code labels}
 * @param confidence mean over pixels of the highest class probability, NaN when not computed
 */
public record ImagePrediction(int height, int width, int[] labels, int offset, double confidence) {

    public int pixels() {
        return height * width;
    }

    /** The class id of pixel {@code i} (row-major). */
    public int label(int i) {
        return labels[offset + i];
    }

    /** The label map as 8-bit class ids, row-major (for PNG encoding). */
    public byte[] labelBytes() {
        byte[] bytes = new byte[pixels()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) labels[offset + i];
        }
        return bytes;
    }
}
