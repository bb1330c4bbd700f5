package io.segpipe.jobs.train;

import java.io.Serializable;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;

import io.segpipe.prep.Checks;

/**
 * Optimiser and learning-rate schedule. The schedule is stepped once per epoch on the driver (the
 * learning rate of epoch {@code e}, 0-based, of {@code E}): {@code POLY} gives
 * {@code lr * (1 - e/E)^power} (DeepLab's "poly" policy, power 0.9), {@code STEP} gives
 * {@code lr * gamma^floor(e/stepEpochs)}, {@code CONSTANT} keeps {@code lr}. Per-epoch stepping keeps
 * the schedule independent of how Spark splits an epoch into averaging rounds, and a resumed run
 * continues exactly where it stopped.
 *
 * <p><b>When the global batch grows.</b> A learning rate is tuned for one global minibatch
 * ({@code workers x batchSizePerWorker}: with averaging every minibatch, parameter averaging takes
 * the same step as synchronous SGD on that batch). Set {@code referenceBatch} to the global batch
 * {@code learningRate} was tuned for, and a run on more (or fewer) workers scales it by
 * {@code k = globalBatch / referenceBatch}: {@code LINEAR} multiplies by {@code k}, the rule for
 * SGD (Goyal et al., "Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour", 2017);
 * {@code SQRT} by {@code sqrt(k)}, the rule for Adam (Malladi et al., "On the SDEs and Scaling
 * Rules for Adaptive Gradient Algorithms", NeurIPS 2022); {@code AUTO} (default) picks by
 * {@code type}. With {@code warmupEpochs = w > 0} the factor grows linearly from 1 at epoch 0 to
 * its full value at epoch {@code w} (Goyal et al.'s gradual warm-up: a large rate at the start
 * diverges). With averaging every {@code averagingFrequency > 1} minibatches the workers take
 * local steps between averages, and the rule is a starting point rather than an equivalence.
 *
 * @param type         {@code SGD} with momentum (DL4J's {@code Nesterovs} updater: Nesterov momentum) or {@code ADAM} (default ADAM)
 * @param learningRate initial learning rate, in (0, 10] (default 1e-3)
 * @param momentum     SGD momentum in [0, 1) (default 0.9; ignored by Adam)
 * @param beta1        Adam beta1 in [0, 1) (default 0.9)
 * @param beta2        Adam beta2 in [0, 1) (default 0.999)
 * @param weightDecay  decoupled weight decay on convolution weights (DL4J {@code WeightDecay}, multiplied by
 *                     the learning rate), >= 0 (default 0; SegNet used 5e-4 with SGD)
 * @param schedule     {@code CONSTANT}, {@code POLY} or {@code STEP} (default POLY)
 * @param power        poly exponent > 0 (default 0.9)
 * @param stepEpochs   epochs per step of the STEP schedule, >= 1 (default 10)
 * @param gamma        factor per step of the STEP schedule, in (0, 1] (default 0.1)
 * @param referenceBatch the global batch {@code learningRate} was tuned for, >= 0; 0 (default) applies
 *                     {@code learningRate} as given at any global batch
 * @param batchScaling {@code AUTO} (default: LINEAR for SGD, SQRT for Adam), {@code LINEAR} or {@code SQRT}
 * @param warmupEpochs epochs over which the batch factor ramps up from 1, >= 0 (default 0)
 */
@JsonDeserialize(builder = OptimizerConfig.Builder.class)
public record OptimizerConfig(Type type, double learningRate, double momentum, double beta1, double beta2,
                              double weightDecay, Schedule schedule, double power, int stepEpochs, double gamma,
                              int referenceBatch, BatchScaling batchScaling, int warmupEpochs)
        implements Serializable {

    /** The optimiser. */
    public enum Type { SGD, ADAM }

    /** The learning-rate schedule. */
    public enum Schedule { CONSTANT, POLY, STEP }

    /** How the learning rate follows the global batch (see the class comment). */
    public enum BatchScaling { AUTO, LINEAR, SQRT }

    public OptimizerConfig {
        Checks.notNull("optimizer.type", type);
        if (!(learningRate > 0 && learningRate <= 10)) {
            throw new IllegalArgumentException("optimizer.learningRate must be in (0, 10], found " + learningRate);
        }
        Checks.inRange("optimizer.momentum", momentum, 0, 0.999999);
        Checks.inRange("optimizer.beta1", beta1, 0, 0.999999);
        Checks.inRange("optimizer.beta2", beta2, 0, 0.999999999);
        Checks.inRange("optimizer.weightDecay", weightDecay, 0, 1);
        Checks.notNull("optimizer.schedule", schedule);
        if (!(power > 0 && power <= 10)) {
            throw new IllegalArgumentException("optimizer.power must be in (0, 10], found " + power);
        }
        Checks.atLeast("optimizer.stepEpochs", stepEpochs, 1);
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("optimizer.gamma must be in (0, 1], found " + gamma);
        }
        Checks.atLeast("optimizer.referenceBatch", referenceBatch, 0);
        Checks.notNull("optimizer.batchScaling", batchScaling);
        Checks.atLeast("optimizer.warmupEpochs", warmupEpochs, 0);
    }

    /**
     * The learning rate of 0-based epoch {@code epoch} of {@code epochs} at a global batch of
     * {@code globalBatch} images per minibatch: the schedule's rate times the batch factor.
     */
    public double learningRate(int epoch, int epochs, int globalBatch) {
        double scheduled = switch (schedule) {
            case CONSTANT -> learningRate;
            case POLY -> learningRate * Math.pow(Math.max(0, 1 - (double) epoch / epochs), power);
            case STEP -> learningRate * Math.pow(gamma, epoch / stepEpochs);
        };
        double full = batchFactor(globalBatch);
        double ramp = warmupEpochs == 0 ? 1 : Math.min(1, (double) epoch / warmupEpochs);
        return scheduled * (1 + (full - 1) * ramp);
    }

    /** The factor the rate is scaled by at {@code globalBatch} after warm-up: 1 without a {@code referenceBatch}. */
    public double batchFactor(int globalBatch) {
        if (referenceBatch == 0) {
            return 1;
        }
        double k = (double) globalBatch / referenceBatch;
        return rule() == BatchScaling.LINEAR ? k : Math.sqrt(k);
    }

    /** The scaling rule in force: {@code batchScaling}, with {@code AUTO} resolved by the optimiser. */
    public BatchScaling rule() {
        if (batchScaling != BatchScaling.AUTO) {
            return batchScaling;
        }
        return type == Type.SGD ? BatchScaling.LINEAR : BatchScaling.SQRT;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().type(type).learningRate(learningRate).momentum(momentum).beta1(beta1).beta2(beta2)
                .weightDecay(weightDecay).schedule(schedule).power(power).stepEpochs(stepEpochs).gamma(gamma)
                .referenceBatch(referenceBatch).batchScaling(batchScaling).warmupEpochs(warmupEpochs);
    }

    /** Defaults for every field; {@link #build()} validates. */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private Type type = Type.ADAM;
        private double learningRate = 1e-3;
        private double momentum = 0.9;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double weightDecay;
        private Schedule schedule = Schedule.POLY;
        private double power = 0.9;
        private int stepEpochs = 10;
        private double gamma = 0.1;
        private int referenceBatch;
        private BatchScaling batchScaling = BatchScaling.AUTO;
        private int warmupEpochs;

        public Builder type(Type v) { type = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder momentum(double v) { momentum = v; return this; }
        public Builder beta1(double v) { beta1 = v; return this; }
        public Builder beta2(double v) { beta2 = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder schedule(Schedule v) { schedule = v; return this; }
        public Builder power(double v) { power = v; return this; }
        public Builder stepEpochs(int v) { stepEpochs = v; return this; }
        public Builder gamma(double v) { gamma = v; return this; }
        public Builder referenceBatch(int v) { referenceBatch = v; return this; }
        public Builder batchScaling(BatchScaling v) { batchScaling = v; return this; }
        public Builder warmupEpochs(int v) { warmupEpochs = v; return this; }

        public OptimizerConfig build() {
            return new OptimizerConfig(type, learningRate, momentum, beta1, beta2, weightDecay, schedule, power,
                    stepEpochs, gamma, referenceBatch, batchScaling, warmupEpochs);
        }
    }
}
