package io.segpipe.jobs.infer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;

import io.segpipe.jobs.model.InferenceDefaults;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.reader.Normalization;

/**
 * The normalisation, input scale and inference mode a job applies a model with, each taken from
 * the job's configuration when it sets one and otherwise from what the model's training recorded
 * ({@link InferenceDefaults}). A model directory that records none (written by an earlier
 * segpipe) gets {@link InferenceDefaults#UNRECORDED}, as before.
 *
 * <p>A configured value that differs from the recorded one is honoured with a warning: the network
 * then sees input unlike its training data. A configured normalisation that cannot apply to the
 * model's channel count is refused. An inference mode that differs only in batch size is not
 * warned about: batch size changes no prediction (batch norm uses its running statistics).
 *
 * @param normalization pixel normalisation
 * @param inputScale    factor every image is resized by before the network sees it
 * @param inference     inference mode
 * @param sources       where each came from, by configuration key ({@link #NORMALIZATION}, ...)
 * @param warnings      configured values that differ from the recorded ones, and a note when nothing
 *                      is recorded, one sentence each
 */
public record InputSettings(Normalization normalization, double inputScale, InferenceConfig inference,
                            Map<String, Source> sources, List<String> warnings) {

    public static final String NORMALIZATION = "normalization";
    public static final String INPUT_SCALE = "inputScale";
    public static final String INFERENCE = "inference";

    /** Where an effective setting came from. */
    public enum Source {
        /** Set in the job's configuration. */
        CONFIGURATION,
        /** Recorded by the model's training ({@value ModelDirectory#INFERENCE}). */
        MODEL,
        /** The model records nothing: {@link InferenceDefaults#UNRECORDED}. */
        DEFAULT;

        /** For log lines and {@code --print-config}. */
        public String describe(String model) {
            return switch (this) {
                case CONFIGURATION -> "set in the configuration";
                case MODEL -> "recorded by the training of model " + model;
                case DEFAULT -> "default: model " + model + " records none";
            };
        }
    }

    public InputSettings {
        sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
        warnings = List.copyOf(warnings);
    }

    /**
     * The settings a job applies {@code model} with.
     *
     * @param normalization configured normalisation, or null for the model's
     * @param inputScale    configured input scale, or null for the model's
     * @param inference     configured inference mode, or null for the model's
     * @param recorded      what the model directory records; empty when it predates recording them
     * @param spec          the model's spec (its channel count)
     * @param model         the model, as messages name it
     * @throws IllegalArgumentException naming the key and the fix when the normalisation cannot apply
     *                                  to the model's channels
     */
    public static InputSettings resolve(Normalization normalization, Double inputScale, InferenceConfig inference,
                                        Optional<InferenceDefaults> recorded, SegmentationSpec spec, String model) {
        InferenceDefaults base = recorded.orElse(InferenceDefaults.UNRECORDED);
        Source fallback = recorded.isPresent() ? Source.MODEL : Source.DEFAULT;
        Map<String, Source> sources = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        if (recorded.isEmpty() && (normalization == null || inputScale == null || inference == null)) {
            warnings.add("model " + model + " records no " + ModelDirectory.INFERENCE + " (written by an earlier segpipe): "
                    + "unset settings take the earlier defaults (normalization " + describe(base.normalization())
                    + ", inputScale " + base.inputScale() + ", inference " + base.inference().describe()
                    + "); set them if it was trained otherwise");
        }

        Normalization n = normalization != null ? normalization : base.normalization();
        sources.put(NORMALIZATION, normalization != null ? Source.CONFIGURATION : fallback);
        if (!InferenceDefaults.fits(n, spec.inputChannels())) {
            int c = spec.inputChannels();
            throw new IllegalArgumentException(NORMALIZATION + " has " + n.mean().size() + " mean and " + n.std().size()
                    + " std values but model " + model + " takes " + c + "-channel images; set "
                    + (c == 1 ? "one mean and one std value" : "1 or " + c + " mean and std values") + ", or leave "
                    + NORMALIZATION + " unset to use the model's");
        }
        if (normalization != null && recorded.isPresent() && !normalization.equals(base.normalization())) {
            warnings.add(NORMALIZATION + " " + describe(normalization) + " differs from " + describe(base.normalization())
                    + ", the one model " + model + " was trained with; leave it unset to use the model's");
        }

        double s = inputScale != null ? InferenceDefaults.requireInputScale(INPUT_SCALE, inputScale) : base.inputScale();
        sources.put(INPUT_SCALE, inputScale != null ? Source.CONFIGURATION : fallback);
        if (inputScale != null && recorded.isPresent() && s != base.inputScale()) {
            warnings.add(INPUT_SCALE + " " + s + " differs from " + base.inputScale() + ", the scale model " + model
                    + " was trained at: the network sees images at " + String.format(Locale.ROOT, "%.3g",
                    s / base.inputScale()) + "x its training resolution; leave it unset to use the model's");
        }

        InferenceConfig i = inference != null ? inference : base.inference();
        sources.put(INFERENCE, inference != null ? Source.CONFIGURATION : fallback);
        if (inference != null && recorded.isPresent() && !inference.predictsLike(base.inference())) {
            warnings.add(INFERENCE + " (" + inference.describe() + ") differs from " + base.inference().describe()
                    + ", the inference model " + model + " was validated with");
        }
        return new InputSettings(n, s, i, sources, warnings);
    }

    /** Logs the warnings, and where every setting came from. */
    public void log(Logger log, String model) {
        warnings.forEach(log::warn);
        log.info("Applying model {} with normalization {} ({}), inputScale {} ({}), inference {} ({})", model,
                describe(normalization), sources.get(NORMALIZATION).describe(model), inputScale,
                sources.get(INPUT_SCALE).describe(model), inference.describe(), sources.get(INFERENCE).describe(model));
    }

    /** By key, one line per setting: its key, value and where it came from (for {@code --print-config}). */
    public Map<String, String> describeSources(String model) {
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put(NORMALIZATION, NORMALIZATION + " = " + describe(normalization) + ": "
                + sources.get(NORMALIZATION).describe(model));
        lines.put(INPUT_SCALE, INPUT_SCALE + " = " + inputScale + ": " + sources.get(INPUT_SCALE).describe(model));
        lines.put(INFERENCE, INFERENCE + " = " + inference.describe() + ": " + sources.get(INFERENCE).describe(model));
        return lines;
    }

    /** A normalisation in words: {@code {scale 0.00392157, mean [0.0], std [1.0]}}. */
    public static String describe(Normalization n) {
        return String.format(Locale.ROOT, "{scale %.6g, mean %s, std %s}", n.scale(), n.mean(), n.std());
    }
}
