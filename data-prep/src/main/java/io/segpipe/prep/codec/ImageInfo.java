package io.segpipe.prep.codec;

/** Size and channel count of a decoded image (1 grey or 3 RGB), without its pixels. */
public record ImageInfo(int width, int height, int channels) {

    public String size() {
        return width + "x" + height;
    }
}
