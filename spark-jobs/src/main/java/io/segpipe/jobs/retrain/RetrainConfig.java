package io.segpipe.jobs.retrain;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;

import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.registry.ModelRegistry;
import io.segpipe.jobs.train.TrainConfig;
import io.segpipe.prep.Checks;
import io.segpipe.prep.Json;

/**
 * Every option of scheduled retraining ({@link RetrainJob}); defaults live in {@link Builder}.
 *
 * @param registry           model registry root, any Hadoop path ({@link ModelRegistry})
 * @param dataset            prepared dataset, re-read by every run so new shards and samples are included
 * @param trainSplit         split the challenger trains on (default {@code train})
 * @param evalSplit          held-out split challenger and champion are both evaluated on (default {@code val});
 *                           it should be one the training does not select on (see {@code train.valSplit})
 * @param warmStart          start training from the production model's weights instead of a fresh
 *                           initialisation (default false; needs the training job's initial-model option)
 * @param metric             metric the decision compares (default {@code meanIoU})
 * @param margin             absolute improvement over the champion needed to promote, in [0, 1] (default 0.005)
 * @param floor              absolute minimum score of a promoted challenger in [0, 1], or null for none (default null)
 * @param maxClassRegression per-class guard: a challenger whose IoU of any class is below the champion's by more
 *                           than this (absolute IoU, in [0, 1]) is not promoted, or null for no guard (default
 *                           null); see {@link PromotionPolicy}
 * @param comparisonExamples how many images the comparison page shows where champion and challenger disagree
 *                           most, >= 0 (default 6; 0 shows none); see {@code Comparison}
 * @param lockTimeoutSeconds a registry lock without heartbeat for this long is broken, >= 10 (default 600)
 * @param runId              run id, "" for a generated one (default ""); letters, digits, '.', '_', '-'
 * @param inference          how both models are applied in evaluation, or null for the mode each model was
 *                           validated with (default null). Each model is evaluated with the normalisation and
 *                           input scale its own training recorded
 * @param train              the training configuration; its {@code dataset}, {@code output},
 *                           {@code overwrite} and {@code trainSplit} are replaced by this run's, and with
 *                           {@code warmStart} its {@code initialModel} by the production model, whose recorded
 *                           normalisation and input scale then apply unless {@code train} sets them; its
 *                           {@code maxCorruptFraction} also bounds the corrupt rows of both evaluations
 */
@JsonDeserialize(builder = RetrainConfig.Builder.class)
public record RetrainConfig(String registry, String dataset, String trainSplit, String evalSplit, boolean warmStart,
                            Metric metric, double margin, Double floor, Double maxClassRegression,
                            int comparisonExamples, long lockTimeoutSeconds, String runId,
                            InferenceConfig inference, TrainConfig train) {

    public RetrainConfig {
        Checks.notBlank("registry", registry);
        Checks.notBlank("dataset", dataset);
        Checks.notBlank("trainSplit", trainSplit);
        Checks.notBlank("evalSplit", evalSplit);
        Checks.notNull("metric", metric);
        Checks.notNull("train", train);
        Checks.atLeast("lockTimeoutSeconds", lockTimeoutSeconds, 10);
        Checks.atLeast("comparisonExamples", comparisonExamples, 0);
        Checks.notNull("runId", runId);
        if (!runId.isEmpty()) {
            ModelRegistry.requireRunId(runId);
        }
        policy(metric, margin, floor, maxClassRegression); // validates margin, floor and the guard, naming them
    }

    private static PromotionPolicy policy(Metric metric, double margin, Double floor, Double maxClassRegression) {
        return new PromotionPolicy(metric, margin, floor, maxClassRegression);
    }

    /** The promotion rule this configuration sets. */
    public PromotionPolicy policy() {
        return policy(metric, margin, floor, maxClassRegression);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().registry(registry).dataset(dataset).trainSplit(trainSplit).evalSplit(evalSplit)
                .warmStart(warmStart).metric(metric).margin(margin).floor(floor).maxClassRegression(maxClassRegression)
                .comparisonExamples(comparisonExamples).lockTimeoutSeconds(lockTimeoutSeconds)
                .runId(runId).inference(inference).train(train);
    }

    public String toJson() {
        return Json.write(this);
    }

    public static RetrainConfig fromJson(String json) {
        return Json.read(json, RetrainConfig.class);
    }

    /** Defaults for every option; {@link #build()} validates. */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private String registry;
        private String dataset;
        private String trainSplit = "train";
        private String evalSplit = "val";
        private boolean warmStart;
        private Metric metric = Metric.MEAN_IOU;
        private double margin = 0.005;
        private Double floor;
        private Double maxClassRegression;
        private int comparisonExamples = 6;
        private long lockTimeoutSeconds = 600;
        private String runId = "";
        private InferenceConfig inference;
        private TrainConfig train;

        public Builder registry(String v) {
            registry = v;
            return this;
        }

        public Builder dataset(String v) {
            dataset = v;
            return this;
        }

        public Builder trainSplit(String v) {
            trainSplit = v;
            return this;
        }

        public Builder evalSplit(String v) {
            evalSplit = v;
            return this;
        }

        public Builder warmStart(boolean v) {
            warmStart = v;
            return this;
        }

        public Builder metric(Metric v) {
            metric = v;
            return this;
        }

        public Builder margin(double v) {
            margin = v;
            return this;
        }

        public Builder floor(Double v) {
            floor = v;
            return this;
        }

        public Builder maxClassRegression(Double v) {
            maxClassRegression = v;
            return this;
        }

        public Builder comparisonExamples(int v) {
            comparisonExamples = v;
            return this;
        }

        public Builder lockTimeoutSeconds(long v) {
            lockTimeoutSeconds = v;
            return this;
        }

        public Builder runId(String v) {
            runId = v;
            return this;
        }

        public Builder inference(InferenceConfig v) {
            inference = v;
            return this;
        }

        public Builder train(TrainConfig v) {
            train = v;
            return this;
        }

        public RetrainConfig build() {
            return new RetrainConfig(registry, dataset, trainSplit, evalSplit, warmStart, metric, margin, floor,
                    maxClassRegression, comparisonExamples, lockTimeoutSeconds, runId, inference, train);
        }
    }
}
