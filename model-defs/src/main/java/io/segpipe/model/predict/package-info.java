/** Prediction for every architecture: probabilities and label maps ({@link io.segpipe.model.predict.Segmenter}). */
package io.segpipe.model.predict;
