package io.segpipe.jobs.train;

import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.schema.ClassTable;

/**
 * What the job resolved before training: the spec with the dataset's ignore label and class weights,
 * the dataset and its manifest bytes (hashed into the provenance).
 */
record TrainSetup(SegmentationSpec spec, ClassTable classes, PreppedDataset dataset, String manifestJson,
                  long trainSamples, long valSamples) {
}
