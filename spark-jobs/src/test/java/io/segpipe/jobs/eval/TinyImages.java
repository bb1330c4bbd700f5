package io.segpipe.jobs.eval;

import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.codec.RasterImage;

/** Small RGB test images. */
final class TinyImages {

    private TinyImages() {
    }

    /** A PNG of a {@code w x h} RGB gradient, different for each {@code seed}. */
    static byte[] rgb(int w, int h, int seed) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            px[3 * i] = (byte) (i * 5 + seed * 20);
            px[3 * i + 1] = (byte) (seed * 37);
            px[3 * i + 2] = (byte) (255 - i * 3);
        }
        return ImageCodec.encodePng(new RasterImage(w, h, 3, px));
    }
}
