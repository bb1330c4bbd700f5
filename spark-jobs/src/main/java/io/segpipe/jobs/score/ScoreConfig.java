package io.segpipe.jobs.score;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;

import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.infer.InputSettings;
import io.segpipe.jobs.model.InferenceDefaults;
import io.segpipe.jobs.registry.ModelSource;
import io.segpipe.prep.Checks;
import io.segpipe.prep.Json;
import io.segpipe.prep.reader.Normalization;
import io.segpipe.prep.schema.ClassTable;

/**
 * Every option of the scoring job ({@link ScoreJob}); defaults live in {@link Builder}. Exactly one
 * of {@code data} and {@code images} names the input. {@code normalization}, {@code inputScale} and
 * {@code inference} default to what the model's training recorded ({@link InputSettings}).
 *
 * @param model         model directory (see {@link io.segpipe.jobs.infer.LoadedModel#read}), or a registry's
 *                      model: {@code registry:<root>} (production) or {@code registry:<root>@v3} ({@link ModelSource})
 * @param data          prepared dataset directory (data-prep output), or null
 * @param split         with {@code data}: the split to score, null for every split (default null)
 * @param images        a folder (searched recursively) or a glob of PNG/JPEG images, e.g.
 *                      {@code hdfs:///incoming/2024-*}{@code /*.jpg}, or null; the id of an image is its path
 *                      relative to the folder (or to the glob's fixed prefix)
 * @param output        Parquet output directory; it must not be, be inside or contain the input (the images
 *                      folder or glob root, the dataset folder and the files the dataset was made from, as far
 *                      as its manifest tells) or the model, nor the masks folder
 * @param masks         folder for coloured PNG masks, or null for none (default). Each image's mask is a file
 *                      directly in this folder, named by a readable prefix of the id and a hash of the exact id
 *                      (e.g. {@code sub_img3-fce910b3159e2a26.png} for {@code sub/img3.png}), because ids may be
 *                      anything ({@code ../x}, {@code file:/data/a}, {@code 10:00:01}); the scores' column
 *                      {@code mask_file} names it ({@link ScoreSchema}). Same placement rules as {@code output}
 * @param classes       with {@code images}: class names and colours for the masks (null: Pascal VOC
 *                      palette, "class i" names); with {@code data} the dataset's table is used and this must be null
 * @param overwrite     replace an existing output (and masks folder): the run writes staged copies beside them
 *                      and replaces both only when it has completed, so a failed run leaves the previous output
 *                      and masks as they were; the file system needs room for both versions until then (default
 *                      false)
 * @param resume        continue an existing output in place: ids already in it are skipped; its completion marker
 *                      is removed while the run adds to it and written again when it completes (default false).
 *                      Without overwrite or resume, an existing output is an error
 * @param normalization pixel normalisation, or null for the one the model was trained with (default null)
 * @param inputScale    factor images are resized by before the network, in (0, 4]; predictions are resized back
 *                      to the image's size; null for the model's training input scale (default null)
 * @param inference     how the model is applied, or null for the mode it was validated with (default null)
 * @param partitions    partitions (= output files) to score in; 0 = the Parquet read partitioning for
 *                      {@code data}, and about 256 images per partition (at least the default parallelism)
 *                      for {@code images} (default 0)
 * @param maxBadListed  unusable images listed by id in the result (all are counted), >= 0 (default 1000)
 * @param lockTimeoutSeconds a run holds a lock file beside the output and the masks folder so that a second run
 *                      on them stops at once; a lock whose holder has not refreshed it for this long (its run was
 *                      killed, or lost the file system) is taken over, >= 10 (default 600). A lock whose holder ran
 *                      on this host and whose process is gone is taken over at once. Short: a killed run blocks
 *                      the output for less time, but a run paused for longer (long GC, suspended VM) loses its lock
 *                      and fails before it publishes
 */
@JsonDeserialize(builder = ScoreConfig.Builder.class)
public record ScoreConfig(String model, String data, String split, String images, String output, String masks,
                          ClassTable classes, boolean overwrite, boolean resume, Normalization normalization,
                          Double inputScale, InferenceConfig inference, int partitions, int maxBadListed,
                          long lockTimeoutSeconds) {

    public ScoreConfig {
        Checks.notBlank("model", model);
        if ((data == null) == (images == null)) {
            throw new IllegalArgumentException("exactly one of data (a prepared dataset) and images (a folder or glob) "
                    + "must be set, found " + (data == null ? "neither" : "both"));
        }
        if (data != null) {
            Checks.notBlank("data", data);
            if (classes != null) {
                throw new IllegalArgumentException("classes must be null with data (the dataset's class table is used), "
                        + "found " + classes);
            }
        } else {
            Checks.notBlank("images", images);
            if (split != null) {
                throw new IllegalArgumentException("split applies to data only, found split " + split + " with images");
            }
        }
        if (split != null) {
            Checks.notBlank("split", split);
        }
        Checks.notBlank("output", output);
        if (masks != null) {
            Checks.notBlank("masks", masks);
        }
        if (overwrite && resume) {
            throw new IllegalArgumentException("overwrite and resume exclude each other, found both true");
        }
        if (inputScale != null) {
            InferenceDefaults.requireInputScale("inputScale", inputScale);
        }
        Checks.atLeast("partitions", partitions, 0);
        Checks.atLeast("maxBadListed", maxBadListed, 0);
        Checks.atLeast("lockTimeoutSeconds", lockTimeoutSeconds, 10);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().model(model).data(data).split(split).images(images).output(output).masks(masks).classes(classes)
                .overwrite(overwrite).resume(resume).normalization(normalization).inputScale(inputScale)
                .inference(inference).partitions(partitions).maxBadListed(maxBadListed)
                .lockTimeoutSeconds(lockTimeoutSeconds);
    }

    /** This configuration with the normalisation, input scale and inference it runs with filled in. */
    public ScoreConfig withSettings(InputSettings settings) {
        return toBuilder().normalization(settings.normalization()).inputScale(settings.inputScale())
                .inference(settings.inference()).build();
    }

    public String toJson() {
        return Json.write(this);
    }

    public static ScoreConfig fromJson(String json) {
        return Json.read(json, ScoreConfig.class);
    }

    /** What is scored, for messages and the result. */
    public String describeInput() {
        return data != null ? "dataset " + data + (split == null ? "" : " split " + split) : "images " + images;
    }

    /** Defaults for every option; {@link #build()} validates. */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private String model;
        private String data;
        private String split;
        private String images;
        private String output;
        private String masks;
        private ClassTable classes;
        private boolean overwrite;
        private boolean resume;
        private Normalization normalization;
        private Double inputScale;
        private InferenceConfig inference;
        private int partitions;
        private int maxBadListed = 1000;
        private long lockTimeoutSeconds = 600;

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

        public Builder images(String v) {
            images = v;
            return this;
        }

        public Builder output(String v) {
            output = v;
            return this;
        }

        public Builder masks(String v) {
            masks = v;
            return this;
        }

        public Builder classes(ClassTable v) {
            classes = v;
            return this;
        }

        public Builder overwrite(boolean v) {
            overwrite = v;
            return this;
        }

        public Builder resume(boolean v) {
            resume = v;
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

        public Builder partitions(int v) {
            partitions = v;
            return this;
        }

        public Builder maxBadListed(int v) {
            maxBadListed = v;
            return this;
        }

        public Builder lockTimeoutSeconds(long v) {
            lockTimeoutSeconds = v;
            return this;
        }

        public ScoreConfig build() {
            return new ScoreConfig(model, data, split, images, output, masks, classes, overwrite, resume, normalization,
                    inputScale, inference, partitions, maxBadListed, lockTimeoutSeconds);
        }
    }
}
