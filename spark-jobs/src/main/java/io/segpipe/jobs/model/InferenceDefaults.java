package io.segpipe.jobs.model;

import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.prep.Checks;
import io.segpipe.prep.Json;
import io.segpipe.prep.reader.Normalization;

/**
 * {@value ModelDirectory#INFERENCE} in a model directory: how the network's input was prepared in
 * training and how validation applied it. Evaluation, scoring and retraining apply the model this
 * way unless their configuration says otherwise ({@link io.segpipe.jobs.infer.InputSettings}), so a
 * model trained at half resolution is not silently evaluated at full resolution.
 *
 * <p>The keys are those of the job configurations ({@code normalization}, {@code inputScale},
 * {@code inference}), so a value can be copied from here into a configuration as it is.
 *
 * @param normalization the pixel normalisation training decoded images with
 * @param inputScale    the factor training resized every image by before the network saw it, in (0, 4]
 * @param inference     how validation applied the network (whole image, its batch size)
 */
public record InferenceDefaults(Normalization normalization, double inputScale, InferenceConfig inference) {

    /**
     * What evaluation and scoring assumed before models recorded their defaults, and what they
     * still assume for a directory without {@value ModelDirectory#INFERENCE}: [0, 1] scaling, the
     * stored resolution, whole image in batches of 4.
     */
    public static final InferenceDefaults UNRECORDED = new InferenceDefaults(Normalization.UNIT, 1.0,
            InferenceConfig.DEFAULT);

    public InferenceDefaults {
        Checks.notNull("normalization", normalization);
        Checks.notNull("inference", inference);
        requireInputScale("inputScale", inputScale);
    }

    /** Fails unless {@code value} is a usable input scale, naming {@code field}. */
    public static double requireInputScale(String field, double value) {
        if (!(value > 0 && value <= 4)) {
            throw new IllegalArgumentException(field + " must be in (0, 4], found " + value);
        }
        return value;
    }

    /**
     * True when {@code normalization} can apply to images of {@code channels} channels: one mean and
     * one std value for all of them, or one per channel.
     */
    public static boolean fits(Normalization normalization, int channels) {
        int means = normalization.mean().size();
        int stds = normalization.std().size();
        return (means == 1 || means == channels) && (stds == 1 || stds == channels);
    }

    public String toJson() {
        return Json.write(this);
    }

    public static InferenceDefaults fromJson(String json) {
        return Json.read(json, InferenceDefaults.class);
    }
}
