package io.segpipe.prep.codec;

/**
 * Resizing and cropping of interleaved 8-bit rasters. Pixel centres are at half-integer
 * coordinates (the convention of OpenCV, PIL and PyTorch with align_corners=false), so down- and
 * up-scaling do not shift the picture. Images use {@link #bilinear}; labels must use
 * {@link #nearest}: class ids are categories and are never interpolated.
 */
public final class Resampler {

    private Resampler() {
    }

    /** Bilinear resize of an HWC byte raster. */
    public static byte[] bilinear(byte[] src, int w, int h, int c, int newW, int newH) {
        byte[] dst = new byte[newW * newH * c];
        double sx = (double) w / newW;
        double sy = (double) h / newH;
        int[] x0 = new int[newW];
        int[] x1 = new int[newW];
        float[] fx = new float[newW];
        for (int x = 0; x < newW; x++) {
            double px = Math.max(0, (x + 0.5) * sx - 0.5);
            int i = Math.min((int) px, w - 1);
            x0[x] = i;
            x1[x] = Math.min(i + 1, w - 1);
            fx[x] = (float) (px - i);
        }
        for (int y = 0; y < newH; y++) {
            double py = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min((int) py, h - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            float fy = (float) (py - y0);
            int row0 = y0 * w;
            int row1 = y1 * w;
            for (int x = 0; x < newW; x++) {
                for (int ch = 0; ch < c; ch++) {
                    float a = src[(row0 + x0[x]) * c + ch] & 0xFF;
                    float b = src[(row0 + x1[x]) * c + ch] & 0xFF;
                    float d = src[(row1 + x0[x]) * c + ch] & 0xFF;
                    float e = src[(row1 + x1[x]) * c + ch] & 0xFF;
                    float top = a + (b - a) * fx[x];
                    float bottom = d + (e - d) * fx[x];
                    dst[(y * newW + x) * c + ch] = (byte) Math.round(top + (bottom - top) * fy);
                }
            }
        }
        return dst;
    }

    /** Nearest-neighbour resize of an HWC byte raster: every output value is an input value. */
    public static byte[] nearest(byte[] src, int w, int h, int c, int newW, int newH) {
        byte[] dst = new byte[newW * newH * c];
        int[] xs = new int[newW];
        for (int x = 0; x < newW; x++) {
            xs[x] = Math.min((int) ((x + 0.5) * w / newW), w - 1);
        }
        for (int y = 0; y < newH; y++) {
            int sy = Math.min((int) ((y + 0.5) * h / newH), h - 1);
            for (int x = 0; x < newW; x++) {
                System.arraycopy(src, (sy * w + xs[x]) * c, dst, (y * newW + x) * c, c);
            }
        }
        return dst;
    }

    /** The {@code cw x ch} window at {@code (x0, y0)} of an HWC byte raster. */
    public static byte[] crop(byte[] src, int w, int h, int c, int x0, int y0, int cw, int ch) {
        if (x0 < 0 || y0 < 0 || x0 + cw > w || y0 + ch > h) {
            throw new IllegalArgumentException("crop " + cw + "x" + ch + " at (" + x0 + "," + y0 + ") outside " + w + "x" + h);
        }
        byte[] dst = new byte[cw * ch * c];
        for (int y = 0; y < ch; y++) {
            System.arraycopy(src, ((y0 + y) * w + x0) * c, dst, y * cw * c, cw * c);
        }
        return dst;
    }
}
