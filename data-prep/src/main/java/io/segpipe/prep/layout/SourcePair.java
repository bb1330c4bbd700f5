package io.segpipe.prep.layout;

import java.io.Serializable;

/**
 * One image/label pair found by a layout.
 *
 * @param id          stable sample id (independent of where the dataset root lives)
 * @param split       split given by the layout, or null to assign one by hash of the id
 * @param imagePath   fully qualified image path
 * @param labelPath   fully qualified label path
 * @param imageLength image file length from the listing, or {@link #UNKNOWN_LENGTH} when the layout
 *                    names files without listing them (manifest CSV)
 * @param labelLength label file length from the listing, or {@link #UNKNOWN_LENGTH}
 */
public record SourcePair(String id, String split, String imagePath, String labelPath, long imageLength,
                         long labelLength) implements Serializable {

    /** Length of a file the layout did not list. */
    public static final long UNKNOWN_LENGTH = -1;

    /** A pair whose file lengths are not known. */
    public SourcePair(String id, String split, String imagePath, String labelPath) {
        this(id, split, imagePath, labelPath, UNKNOWN_LENGTH, UNKNOWN_LENGTH);
    }

    public SourcePair withSplit(String newSplit) {
        return new SourcePair(id, newSplit, imagePath, labelPath, imageLength, labelLength);
    }
}
