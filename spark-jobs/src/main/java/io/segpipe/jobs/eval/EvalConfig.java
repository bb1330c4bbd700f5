package io.segpipe.jobs.eval;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;

import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.infer.InputSettings;
import io.segpipe.jobs.infer.LoadedModel;
import io.segpipe.jobs.model.InferenceDefaults;
import io.segpipe.jobs.registry.ModelSource;
import io.segpipe.prep.Checks;
import io.segpipe.prep.Json;
import io.segpipe.prep.reader.CorruptRowLimit;
import io.segpipe.prep.reader.Normalization;

/**
 * Every option of the evaluation job ({@link EvalJob}); defaults live in {@link Builder}.
 *
 * <p>{@code normalization}, {@code inputScale} and {@code inference} default to what the model's
 * training recorded ({@link InputSettings}): unset, the model is evaluated as it was trained and
 * validated; a value that differs from the recorded one is applied with a warning.
 *
 * @param model         model directory (see {@link LoadedModel#read}), or a registry's model:
 *                      {@code registry:<root>} (production) or {@code registry:<root>@v3} ({@link ModelSource})
 * @param data          prepared dataset directory (data-prep output)
 * @param split         split to evaluate (default {@code val})
 * @param output        report directory to create: {@code report.json}, {@code index.html}, PNGs
 * @param overwrite     replace an existing report (default false: an existing output is an error)
 * @param normalization pixel normalisation, or null for the one the model was trained with (default null)
 * @param inputScale    factor images are resized by before the network, in (0, 4]; predictions are resized
 *                      back and metrics computed at the labels' resolution; null for the model's training
 *                      input scale (default null)
 * @param inference     how the model is applied, or null for the mode it was validated with (whole image,
 *                      its validation batch size); when set, unset keys inside take {@link InferenceConfig}'s
 *                      defaults (default null)
 * @param examples      overlay examples in the HTML report, the first ids in sort order, in [0, 64] (default 6)
 * @param partitions    repartition the split into this many partitions before inference; 0 keeps the
 *                      Parquet read partitioning (default 0)
 * @param maxBadListed  bad samples listed by id in the result (all are counted), >= 0 (default 1000)
 * @param maxCorruptFraction largest fraction of the split's rows that may be skipped as bad (stored bytes that no
 *                      longer decode: the data was damaged after prep), in [0, 1] (default 0.01,
 *                      {@link CorruptRowLimit}): above it the job stops with one message naming the counts and the
 *                      first ids, and writes no report
 */
@JsonDeserialize(builder = EvalConfig.Builder.class)
public record EvalConfig(String model, String data, String split, String output, boolean overwrite,
                         Normalization normalization, Double inputScale, InferenceConfig inference, int examples,
                         int partitions, int maxBadListed, double maxCorruptFraction) {

    public EvalConfig {
        Checks.notBlank("model", model);
        Checks.notBlank("data", data);
        Checks.notBlank("split", split);
        Checks.notBlank("output", output);
        if (inputScale != null) {
            InferenceDefaults.requireInputScale("inputScale", inputScale);
        }
        if (examples < 0 || examples > 64) {
            throw new IllegalArgumentException("examples must be in [0, 64], found " + examples);
        }
        Checks.atLeast("partitions", partitions, 0);
        Checks.atLeast("maxBadListed", maxBadListed, 0);
        new CorruptRowLimit(maxCorruptFraction); // validates
    }

    /** How many bad rows the split may have ({@code maxCorruptFraction}). */
    public CorruptRowLimit corruptRowLimit() {
        return new CorruptRowLimit(maxCorruptFraction);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().model(model).data(data).split(split).output(output).overwrite(overwrite)
                .normalization(normalization).inputScale(inputScale).inference(inference).examples(examples)
                .partitions(partitions).maxBadListed(maxBadListed).maxCorruptFraction(maxCorruptFraction);
    }

    /** This configuration with the normalisation, input scale and inference it runs with filled in. */
    public EvalConfig withSettings(InputSettings settings) {
        return toBuilder().normalization(settings.normalization()).inputScale(settings.inputScale())
                .inference(settings.inference()).build();
    }

    public String toJson() {
        return Json.write(this);
    }

    public static EvalConfig fromJson(String json) {
        return Json.read(json, EvalConfig.class);
    }

    /** Defaults for every option; {@link #build()} validates. */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private String model;
        private String data;
        private String split = "val";
        private String output;
        private boolean overwrite;
        private Normalization normalization;
        private Double inputScale;
        private InferenceConfig inference;
        private int examples = 6;
        private int partitions;
        private int maxBadListed = 1000;
        private double maxCorruptFraction = CorruptRowLimit.DEFAULT_MAX_CORRUPT_FRACTION;

        public Builder model(String v) {
            model = v;
            return this;
        }

        public Builder data(String v) {
            data = v;
            return this;
        }

        public Builder split(String v) {
            split = v;
            return this;
        }

        public Builder output(String v) {
            output = v;
            return this;
        }

        public Builder overwrite(boolean v) {
            overwrite = v;
            return this;
        }

        public Builder normalization(Normalization v) {
            normalization = v;
            return this;
        }

        public Builder inputScale(Double v) {
            inputScale = v;
            return this;
        }

        public Builder inference(InferenceConfig v) {
            inference = v;
            return this;
        }

        public Builder examples(int v) {
            examples = v;
            return this;
        }

        public Builder partitions(int v) {
            partitions = v;
            return this;
        }

        public Builder maxBadListed(int v) {
            maxBadListed = v;
            return this;
        }

        public Builder maxCorruptFraction(double v) {
            maxCorruptFraction = v;
            return this;
        }

        public EvalConfig build() {
            return new EvalConfig(model, data, split, output, overwrite, normalization, inputScale, inference, examples,
                    partitions, maxBadListed, maxCorruptFraction);
        }
    }
}
