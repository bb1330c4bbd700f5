/**
 * Input layouts, chosen by configuration ({@link io.segpipe.prep.layout.InputSpec}): paired
 * folders, Pascal VOC, manifest CSV. Listing runs on the driver with the Hadoop FileSystem API and
 * yields image/label path pairs ({@link io.segpipe.prep.layout.SourcePair}) plus the files that
 * cannot be paired; decoding happens later, on executors.
 */
package io.segpipe.prep.layout;
