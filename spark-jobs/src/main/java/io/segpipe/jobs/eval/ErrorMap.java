package io.segpipe.jobs.eval;

import io.segpipe.prep.codec.RasterImage;

/**
 * Where a prediction is right and wrong: one colour per pixel, {@link #CORRECT} where the
 * prediction equals the ground truth, {@link #WRONG} where it does not, {@link #IGNORED} where the
 * ground truth is the ignore label (not counted in any metric). Blue and orange-red rather than
 * green and red, so that the two stay apart for red-green colour blindness.
 */
final class ErrorMap {

    /** Correct pixels, packed 0xRRGGBB: blue. */
    static final int CORRECT = 0x2C7BB6;
    /** Wrong pixels: orange-red. */
    static final int WRONG = 0xE8551F;
    /** Ignored pixels: light grey. */
    static final int IGNORED = 0xD0D0D0;

    private ErrorMap() {
    }

    /**
     * The error map of one image.
     *
     * @param truth       ground-truth label values, row-major, {@code width * height}
     * @param prediction  predicted class ids, same size
     * @param ignoreLabel the ignored ground-truth value, or -1 for none
     */
    static RasterImage render(byte[] truth, byte[] prediction, int width, int height, int ignoreLabel) {
        int n = width * height;
        if (truth.length != n || prediction.length != n) {
            throw new IllegalArgumentException("error map of " + width + "x" + height + " needs " + n
                    + " pixels, found truth " + truth.length + " and prediction " + prediction.length);
        }
        byte[] px = new byte[n * 3];
        for (int i = 0; i < n; i++) {
            int t = truth[i] & 0xFF;
            int c = t == ignoreLabel ? IGNORED : t == (prediction[i] & 0xFF) ? CORRECT : WRONG;
            px[3 * i] = (byte) (c >> 16);
            px[3 * i + 1] = (byte) (c >> 8);
            px[3 * i + 2] = (byte) c;
        }
        return new RasterImage(width, height, 3, px);
    }
}
