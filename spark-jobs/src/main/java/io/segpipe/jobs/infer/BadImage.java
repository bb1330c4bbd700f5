package io.segpipe.jobs.infer;

import java.io.Serializable;

/**
 * An input image that could not be used (corrupt bytes, wrong channel count, a label outside the
 * class table); counted and listed, the job goes on.
 *
 * @param id     sample id (prepared data) or path (a folder of images)
 * @param reason one-line cause
 */
public record BadImage(String id, String reason) implements Serializable, Comparable<BadImage> {

    @Override
    public int compareTo(BadImage o) {
        int c = id.compareTo(o.id);
        return c != 0 ? c : reason.compareTo(o.reason);
    }
}
