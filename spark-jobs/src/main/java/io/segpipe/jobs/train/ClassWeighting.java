package io.segpipe.jobs.train;

/**
 * Where the cross-entropy class weights come from.
 * <ul>
 * <li>{@code NONE}: all 1.</li>
 * <li>{@code INVERSE_FREQUENCY}: the data-prep manifest's {@code n / (k * n_c)} weights.</li>
 * <li>{@code MEDIAN_FREQUENCY}: the manifest's median-frequency weights (Eigen and Fergus 2015, as
 *     SegNet trained CamVid).</li>
 * <li>{@code SPEC}: {@code model.loss.classWeights} as given (all 1 when absent).</li>
 * </ul>
 */
public enum ClassWeighting {
    NONE, INVERSE_FREQUENCY, MEDIAN_FREQUENCY, SPEC
}
