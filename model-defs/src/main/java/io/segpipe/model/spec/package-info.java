/** The typed, validated description of a segmentation network ({@link io.segpipe.model.spec.SegmentationSpec}). */
package io.segpipe.model.spec;
