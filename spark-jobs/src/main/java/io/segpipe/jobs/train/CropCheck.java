package io.segpipe.jobs.train;

import io.segpipe.model.arch.Architectures;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * The training crop ({@code model.inputHeight x model.inputWidth}) against the train images. The
 * augmenter pads a crop larger than the scaled image with the ignore label, which is how whole
 * images train at a size the architecture takes (e.g. 180 rows as 192 for a U-Net of depth 4); a crop
 * larger than even that, for the largest train image at the largest random scale, is mostly
 * padding in every minibatch: a configuration mistake, refused before training.
 */
final class CropCheck {
    private CropCheck() {
    }

    /**
     * Fails, naming the options, when the crop is larger than the largest train image can be.
     *
     * @param maxHeight  the train split's largest image height, as stored
     * @param maxWidth   the train split's largest image width, as stored
     * @param inputScale the resize every image gets before augmentation
     * @param scaleMax   the augmenter's largest random scale
     * @param what       the dataset, for the message
     */
    static void requireFits(SegmentationSpec spec, int maxHeight, int maxWidth, double inputScale, double scaleMax,
                            String what) {
        int height = scaled(maxHeight, inputScale * scaleMax);
        int width = scaled(maxWidth, inputScale * scaleMax);
        int heightTaken = taken(spec, height);
        int widthTaken = taken(spec, width);
        if (spec.inputHeight() > heightTaken || spec.inputWidth() > widthTaken) {
            throw new IllegalArgumentException("model.inputHeight x model.inputWidth (the training crop, "
                    + spec.inputHeight() + "x" + spec.inputWidth() + ") is larger than the train images of " + what
                    + " can be: the largest is " + maxHeight + "x" + maxWidth + ", " + scaled(maxHeight, inputScale)
                    + "x" + scaled(maxWidth, inputScale) + " at inputScale " + inputScale + " and " + height + "x" + width
                    + " at augment.scaleMax " + scaleMax + ", which " + spec.architecture() + " takes as " + heightTaken
                    + "x" + widthTaken + "; every crop would be mostly ignore-label padding. Use a crop of at most "
                    + heightTaken + "x" + widthTaken + ", or a larger inputScale");
        }
    }

    /** The augmenter's rounding of a side scaled by {@code factor}. */
    private static int scaled(int side, double factor) {
        return Math.max(1, (int) Math.round(side * factor));
    }

    /** The smallest input the architecture takes for an image side of {@code size}. */
    private static int taken(SegmentationSpec spec, int size) {
        Architectures.Tiling t = Architectures.tiling(spec, size);
        return size + t.before() + t.after();
    }
}
