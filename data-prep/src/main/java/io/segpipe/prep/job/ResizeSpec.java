package io.segpipe.prep.job;

import io.segpipe.prep.Checks;

/**
 * Resize at prep time, to a fixed {@code height x width}. Images use bilinear interpolation,
 * labels nearest neighbour (class ids are never interpolated). Bilinear aliases when shrinking by
 * more than about 2x; prepare from moderately sized sources or resize beforehand with an area
 * filter if that matters.
 *
 * @param height output height in pixels
 * @param width  output width in pixels
 * @param fit    {@code STRETCH} scales to the exact size (aspect ratio may change); {@code CROP}
 *               scales to cover the size keeping the aspect ratio, then crops the centre
 */
public record ResizeSpec(int height, int width, Fit fit) implements java.io.Serializable {

    /** How the source aspect ratio is handled. */
    public enum Fit {
        STRETCH, CROP
    }

    public ResizeSpec {
        Checks.atLeast("resize.height", height, 1);
        Checks.atLeast("resize.width", width, 1);
        fit = fit == null ? Fit.STRETCH : fit;
    }

    /** Size to scale a {@code w x h} source to, before the centre crop: {@code [scaledW, scaledH]}. */
    int[] scaledSize(int w, int h) {
        if (fit == Fit.STRETCH) {
            return new int[]{width, height};
        }
        double scale = Math.max((double) width / w, (double) height / h);
        return new int[]{Math.max(width, (int) Math.round(w * scale)), Math.max(height, (int) Math.round(h * scale))};
    }
}
