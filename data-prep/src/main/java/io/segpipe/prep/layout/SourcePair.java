package io.segpipe.prep.layout;

import java.io.Serializable;

/**
 * One image/label pair found by a layout.
 *
 * @param id         stable sample id (independent of where the dataset root lives)
 * @param split      split given by the layout, or null to assign one by hash of the id
 * @param imagePath  fully qualified image path
 * @param labelPath  fully qualified label path
 */
public record SourcePair(String id, String split, String imagePath, String labelPath) implements Serializable {

    public SourcePair withSplit(String newSplit) {
        return new SourcePair(id, newSplit, imagePath, labelPath);
    }
}
