/**
 * Seeded, deterministic synthetic segmentation data (shapes on textured backgrounds, ignored
 * borders) in the paired-folder layout, for the README demo and tests.
 */
package io.segpipe.prep.synth;
