/**
 * Post-processing of segmentation probabilities with the fully connected CRF of Krähenbühl &amp;
 * Koltun (NIPS 2011), as DeepLab v1/v2 use it: {@link io.segpipe.model.crf.DenseCrf} runs
 * mean-field inference configured by {@link io.segpipe.model.crf.CrfConfig} on the network's softmax
 * output and the image ({@link io.segpipe.model.crf.CrfImage}); its Gaussian message passing is
 * permutohedral-lattice filtering (Adams, Baek &amp; Davis, Eurographics 2010,
 * {@link io.segpipe.model.crf.PermutohedralLattice}).
 *
 * <p>Plain Java over float arrays, no ND4J: the lattice is a sparse hash structure, not a dense
 * tensor operation, and the CRF runs per image after the network, on the executor's task thread.
 */
package io.segpipe.model.crf;
