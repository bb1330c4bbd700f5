package io.segpipe.jobs.train;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;

import io.segpipe.jobs.data.AugmentConfig;
import io.segpipe.jobs.model.InferenceDefaults;
import io.segpipe.model.arch.Architectures;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.Checks;
import io.segpipe.prep.Json;
import io.segpipe.prep.reader.CorruptRowLimit;
import io.segpipe.prep.reader.Normalization;

/**
 * Every option of the training job, validated at construction with the field name and value.
 * JSON (and HOCON, field for field) uses the component names; omitted options take the
 * {@link Builder} defaults; unknown names are errors.
 *
 * @param dataset               prepared dataset directory (data-prep output), any Hadoop path
 * @param output                model directory to write ({@link io.segpipe.jobs.model.ModelDirectory})
 * @param overwrite             replace an existing output (default false)
 * @param model                 the network; its input size is the training crop size and must be set. Its
 *                              seed is replaced by {@code seed}, its loss's ignore label by the dataset's
 * @param classWeights          where the loss's class weights come from (default MEDIAN_FREQUENCY)
 * @param trainSplit            split to train on (default "train")
 * @param valSplit              split to validate on; "" for no validation (default "val")
 * @param normalization         pixel normalisation at decode time; null = the {@code initialModel}'s (the one its
 *                              weights were trained with), or UNIT ([0, 1]) without one (default null). Recorded in
 *                              the model directory, so evaluation and scoring apply it unless told otherwise
 * @param inputScale            resize factor applied to every image and label (train and validation) after
 *                              decoding, before augmentation, in (0, 4]; null = the {@code initialModel}'s, or 1
 *                              without one (default null): train below the stored resolution without preparing the
 *                              data again; validation mIoU is then measured at this resolution. Recorded like
 *                              {@code normalization}
 * @param augment               training augmentation (default {@link AugmentConfig#DEFAULT})
 * @param optimizer             optimiser, learning-rate schedule, weight decay
 * @param master                distribution settings
 * @param epochs                epochs to train (in total, across resumes), >= 1 (default 30)
 * @param validateEvery         validate every N epochs (and after the last), >= 1 (default 1)
 * @param earlyStoppingPatience stop after this many validations without a val mIoU gain above
 *                              {@code earlyStoppingMinDelta}; 0 = never (default 0)
 * @param earlyStoppingMinDelta smallest val mIoU gain that counts as improvement, >= 0 (default 0.001)
 * @param valBatchSize          images per inference batch in validation, >= 1 (default 4)
 * @param checkpointDir         checkpoint directory, any Hadoop path; "" = {@code <output>.checkpoints} (default "")
 * @param checkpointEvery       checkpoint every N epochs (and after the last); 0 = no checkpoints (default 1)
 * @param keepCheckpoints       newest checkpoints kept, >= 1 (default 2)
 * @param resume                continue from the newest checkpoint in {@code checkpointDir} (default false)
 * @param initialModel          model directory whose weights start the training (warm start: same architecture,
 *                              classes and widths, or the same plus layers it lacks, e.g. side heads, which
 *                              keep their initialisation; fresh optimiser state), or a registry's model
 *                              ({@code registry:<root>[@v<N>]}); "" = random initialisation (default "")
 * @param statsFile             DL4J UI statistics file (J7FileStatsStorage, a local path on the driver): watch it
 *                              with {@code segpipe ui --stats FILE}, DL4J's training UI; "" = none (default "")
 * @param statsEvery            minibatches between two reports to {@code statsFile}, >= 1 (default 10, DL4J's own)
 * @param seed                  seed of parameter initialisation, augmentation and shuffling (default 42)
 * @param maxMinutes            wall-time budget of one call in minutes: the run ends (validated, checkpointed and
 *                              written) after the epoch at which another epoch would exceed it; 0 = none (default 0).
 *                              The learning-rate schedule still runs over {@code epochs}
 * @param maxCorruptFraction    largest fraction of a split's rows (train, val) that may be skipped as corrupt (rows
 *                              that no longer decode: the data was damaged after prep), in [0, 1] (default 0.01,
 *                              {@link CorruptRowLimit}): above it the run stops with one message naming the counts
 *                              and the first ids, before that epoch's checkpoint; at or below it the rows are skipped,
 *                              counted and logged
 * @param maxSecondsWithoutExecutors seconds the run waits while the application has no executor at all (every
 *                              worker lost) before it cancels its Spark jobs and stops with {@link ExecutorsLostException}
 *                              (the CLI exits with 3; checkpoints stay for {@code --resume}, no model is written);
 *                              0 = wait for executors forever, Spark's own behaviour (default 300: long enough for
 *                              a cluster manager to replace lost executors). Checked on clusters only: a
 *                              {@code local[...]} master runs its tasks in the driver
 */
@JsonDeserialize(builder = TrainConfig.Builder.class)
public record TrainConfig(String dataset, String output, boolean overwrite, SegmentationSpec model,
                          ClassWeighting classWeights, String trainSplit, String valSplit, Normalization normalization,
                          Double inputScale, AugmentConfig augment, OptimizerConfig optimizer, MasterConfig master,
                          int epochs, int validateEvery, int earlyStoppingPatience, double earlyStoppingMinDelta,
                          int valBatchSize, String checkpointDir, int checkpointEvery, int keepCheckpoints,
                          boolean resume, String initialModel, String statsFile, int statsEvery, long seed, double maxMinutes,
                          double maxCorruptFraction, int maxSecondsWithoutExecutors) {

    public TrainConfig {
        Checks.notBlank("dataset", dataset);
        Checks.notBlank("output", output);
        Checks.notNull("model", model);
        if (!model.hasFixedInputSize()) {
            throw new IllegalArgumentException("model.inputHeight and model.inputWidth must be set: they are the training "
                    + "crop size, found 0x0");
        }
        Architectures.Tiling rows = Architectures.tiling(model, model.inputHeight());
        Architectures.Tiling columns = Architectures.tiling(model, model.inputWidth());
        if (!rows.isNone() || !columns.isNone()) {
            throw new IllegalArgumentException("model.inputHeight x model.inputWidth must be a size " + model.architecture()
                    + " (depth " + model.depth() + ", padding " + model.padding() + ") takes without padding, e.g. "
                    + (model.inputHeight() + rows.before() + rows.after()) + "x"
                    + (model.inputWidth() + columns.before() + columns.after()) + "; found "
                    + model.inputHeight() + "x" + model.inputWidth());
        }
        Checks.notNull("classWeights", classWeights);
        Checks.notBlank("trainSplit", trainSplit);
        Checks.notNull("valSplit", valSplit);
        if (valSplit.equals(trainSplit)) {
            throw new IllegalArgumentException("valSplit must differ from trainSplit, found " + valSplit + " for both");
        }
        if (normalization != null && !InferenceDefaults.fits(normalization, model.inputChannels())) {
            throw new IllegalArgumentException("normalization has " + normalization.mean().size() + " mean and "
                    + normalization.std().size() + " std values but model.inputChannels is " + model.inputChannels()
                    + "; give one value (for every channel) or one per channel");
        }
        if (inputScale != null) {
            InferenceDefaults.requireInputScale("inputScale", inputScale);
        }
        Checks.notNull("augment", augment);
        Checks.notNull("optimizer", optimizer);
        Checks.notNull("master", master);
        Checks.atLeast("epochs", epochs, 1);
        if (optimizer.warmupEpochs() >= epochs) {
            throw new IllegalArgumentException("optimizer.warmupEpochs must be below epochs (" + epochs + "), found "
                    + optimizer.warmupEpochs() + ": the run would end before its learning rate is reached");
        }
        Checks.atLeast("validateEvery", validateEvery, 1);
        Checks.atLeast("earlyStoppingPatience", earlyStoppingPatience, 0);
        Checks.inRange("earlyStoppingMinDelta", earlyStoppingMinDelta, 0, 1);
        Checks.atLeast("valBatchSize", valBatchSize, 1);
        Checks.notNull("checkpointDir", checkpointDir);
        Checks.atLeast("checkpointEvery", checkpointEvery, 0);
        Checks.atLeast("keepCheckpoints", keepCheckpoints, 1);
        if (resume && checkpointEvery == 0 && checkpointDir.isBlank()) {
            throw new IllegalArgumentException("resume needs checkpoints: set checkpointEvery >= 1 or checkpointDir, "
                    + "found checkpointEvery 0 and no checkpointDir");
        }
        Checks.notNull("initialModel", initialModel);
        if (resume && !initialModel.isBlank()) {
            throw new IllegalArgumentException("resume and initialModel exclude each other: resume continues a checkpoint "
                    + "of this run, initialModel starts a new run from another model's weights; found both");
        }
        Checks.notNull("statsFile", statsFile);
        Checks.atLeast("statsEvery", statsEvery, 1);
        Checks.inRange("maxMinutes", maxMinutes, 0, 1e6);
        new CorruptRowLimit(maxCorruptFraction); // validates
        Checks.atLeast("maxSecondsWithoutExecutors", maxSecondsWithoutExecutors, 0);
        model = model.toBuilder().seed(seed).build();
    }

    /**
     * This configuration with the normalisation and input scale it trains with filled in, and
     * {@code initialModel} replaced by the model directory it resolved to.
     */
    public TrainConfig withInputs(Normalization normalization, double inputScale, String initialModel) {
        return toBuilder().normalization(normalization).inputScale(inputScale).initialModel(initialModel).build();
    }

    /** How many corrupt rows a split may have ({@code maxCorruptFraction}). */
    public CorruptRowLimit corruptRowLimit() {
        return new CorruptRowLimit(maxCorruptFraction);
    }

    /** True when a validation split is configured. */
    public boolean validates() {
        return !valSplit.isBlank();
    }

    /** The checkpoint directory: {@code checkpointDir}, or {@code <output>.checkpoints}. */
    public String checkpointPath() {
        return checkpointDir.isBlank() ? output.replaceAll("/+$", "") + ".checkpoints" : checkpointDir;
    }

    /** True when validation runs after 1-based epoch {@code epoch}. */
    public boolean validatesAfter(int epoch) {
        return validates() && (epoch % validateEvery == 0 || epoch == epochs);
    }

    /** True when a checkpoint is written after 1-based epoch {@code epoch}. */
    public boolean checkpointsAfter(int epoch) {
        return checkpointEvery > 0 && (epoch % checkpointEvery == 0 || epoch == epochs);
    }

    public String toJson() {
        return Json.write(this);
    }

    /** Parses a configuration; the message names the field of an invalid or unknown value. */
    public static TrainConfig fromJson(String json) {
        return Json.read(json, TrainConfig.class);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().dataset(dataset).output(output).overwrite(overwrite).model(model).classWeights(classWeights)
                .trainSplit(trainSplit).valSplit(valSplit).normalization(normalization).inputScale(inputScale)
                .augment(augment).optimizer(optimizer).master(master).epochs(epochs).validateEvery(validateEvery)
                .earlyStoppingPatience(earlyStoppingPatience).earlyStoppingMinDelta(earlyStoppingMinDelta)
                .valBatchSize(valBatchSize).checkpointDir(checkpointDir).checkpointEvery(checkpointEvery)
                .keepCheckpoints(keepCheckpoints).resume(resume).initialModel(initialModel).statsFile(statsFile).statsEvery(statsEvery).seed(seed).maxMinutes(maxMinutes)
                .maxCorruptFraction(maxCorruptFraction).maxSecondsWithoutExecutors(maxSecondsWithoutExecutors);
    }

    /** Defaults for every option; {@link #build()} validates. */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private String dataset;
        private String output;
        private boolean overwrite;
        private SegmentationSpec model;
        private ClassWeighting classWeights = ClassWeighting.MEDIAN_FREQUENCY;
        private String trainSplit = "train";
        private String valSplit = "val";
        private Normalization normalization;
        private Double inputScale;
        private AugmentConfig augment = AugmentConfig.DEFAULT;
        private OptimizerConfig optimizer = OptimizerConfig.builder().build();
        private MasterConfig master = MasterConfig.builder().build();
        private int epochs = 30;
        private int validateEvery = 1;
        private int earlyStoppingPatience;
        private double earlyStoppingMinDelta = 0.001;
        private int valBatchSize = 4;
        private String checkpointDir = "";
        private int checkpointEvery = 1;
        private int keepCheckpoints = 2;
        private boolean resume;
        private String initialModel = "";
        private String statsFile = "";
        private int statsEvery = 10;
        private long seed = 42;
        private double maxMinutes;
        private double maxCorruptFraction = CorruptRowLimit.DEFAULT_MAX_CORRUPT_FRACTION;
        private int maxSecondsWithoutExecutors = 300;

        public Builder dataset(String v) { dataset = v; return this; }
        public Builder output(String v) { output = v; return this; }
        public Builder overwrite(boolean v) { overwrite = v; return this; }
        public Builder model(SegmentationSpec v) { model = v; return this; }
        public Builder classWeights(ClassWeighting v) { classWeights = v; return this; }
        public Builder trainSplit(String v) { trainSplit = v; return this; }
        public Builder valSplit(String v) { valSplit = v; return this; }
        public Builder normalization(Normalization v) { normalization = v; return this; }
        public Builder inputScale(Double v) { inputScale = v; return this; }
        public Builder augment(AugmentConfig v) { augment = v; return this; }
        public Builder optimizer(OptimizerConfig v) { optimizer = v; return this; }
        public Builder master(MasterConfig v) { master = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder validateEvery(int v) { validateEvery = v; return this; }
        public Builder earlyStoppingPatience(int v) { earlyStoppingPatience = v; return this; }
        public Builder earlyStoppingMinDelta(double v) { earlyStoppingMinDelta = v; return this; }
        public Builder valBatchSize(int v) { valBatchSize = v; return this; }
        public Builder checkpointDir(String v) { checkpointDir = v; return this; }
        public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
        public Builder keepCheckpoints(int v) { keepCheckpoints = v; return this; }
        public Builder resume(boolean v) { resume = v; return this; }
        public Builder initialModel(String v) { initialModel = v; return this; }
        public Builder statsFile(String v) { statsFile = v; return this; }
        public Builder statsEvery(int v) { statsEvery = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder maxMinutes(double v) { maxMinutes = v; return this; }
        public Builder maxCorruptFraction(double v) { maxCorruptFraction = v; return this; }
        public Builder maxSecondsWithoutExecutors(int v) { maxSecondsWithoutExecutors = v; return this; }

        public TrainConfig build() {
            return new TrainConfig(dataset, output, overwrite, model, classWeights, trainSplit, valSplit, normalization,
                    inputScale, augment, optimizer, master, epochs, validateEvery, earlyStoppingPatience,
                    earlyStoppingMinDelta, valBatchSize, checkpointDir, checkpointEvery, keepCheckpoints, resume,
                    initialModel, statsFile, statsEvery, seed, maxMinutes, maxCorruptFraction, maxSecondsWithoutExecutors);
        }
    }
}
