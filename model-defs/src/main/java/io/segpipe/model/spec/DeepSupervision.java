package io.segpipe.model.spec;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Deep supervision with side outputs and their learned fusion: Xie and Tu, "Holistically-Nested
 * Edge Detection", ICCV 2015 (a side output on every stage, each with its own loss, and a fused
 * output of learned weights), as Shen et al., "DeepContour"/FSDS, CVPR 2016, weight the fusion per
 * class. Each named stage of the network gets a side head (a 1x1 convolution to the class scores,
 * up-sampled bilinearly to the size of the network's own scores); the fused output weighs the
 * network's own scores and every side's, per class ({@code SideFusion}, all weights 1/(sides + 1)
 * at the start). Training sums the weighted losses of all outputs; the network returns one of them
 * ({@link #inference()}), so prediction, evaluation and scoring run it as any other network.
 *
 * <p>A stage is a block of the architecture: the vertices whose names share the part before the
 * first {@code _} (U-Net's {@code down0 ... bottom ... up0}, FCN's and SegNet's {@code pool3},
 * DeepLab's {@code layer1 ... aspp}, FC-DenseNet's {@code down2}, {@code up1}); its side head reads
 * the block's last vertex. The network's build names the stages an architecture has when one is
 * not there.
 *
 * @param sides      the side outputs, at least one, stages distinct
 * @param mainWeight loss weight of the network's own output, in [0, 100] (default 1)
 * @param fusedWeight loss weight of the fused output, in [0, 100] (default 1)
 * @param inference  the output the network returns: {@link Output#FUSED} (default) or {@link Output#MAIN}
 */
public record DeepSupervision(List<SideOutput> sides, double mainWeight, double fusedWeight, Output inference)
        implements Serializable {

    /** Which output the trained network returns. */
    public enum Output { FUSED, MAIN }

    /**
     * One side output.
     *
     * @param stage  the stage (block) it reads
     * @param weight its loss weight, in [0, 100] (default 1)
     */
    public record SideOutput(String stage, double weight) implements Serializable {
        public SideOutput {
            SegmentationSpec.require(stage != null && !stage.isBlank(),
                    "deepSupervision.sides[].stage must name a stage of the network, found " + stage);
            requireWeight("deepSupervision.sides[" + stage + "].weight", weight);
        }

        /** Binds configuration: an omitted weight is 1. */
        @JsonCreator
        static SideOutput fromJson(@JsonProperty("stage") String stage, @JsonProperty("weight") Double weight) {
            return new SideOutput(stage, weight == null ? 1 : weight);
        }
    }

    public DeepSupervision {
        SegmentationSpec.require(sides != null && !sides.isEmpty(),
                "deepSupervision.sides must name at least one stage, found " + sides);
        sides = List.copyOf(sides);
        Set<String> seen = new HashSet<>();
        for (SideOutput side : sides) {
            SegmentationSpec.require(seen.add(side.stage()),
                    "deepSupervision.sides names stage '" + side.stage() + "' twice");
        }
        requireWeight("deepSupervision.mainWeight", mainWeight);
        requireWeight("deepSupervision.fusedWeight", fusedWeight);
        SegmentationSpec.require(inference != null, "deepSupervision.inference must be FUSED or MAIN");
    }

    /** Side outputs on {@code stages}, every loss weight 1, the fused output returned. */
    public static DeepSupervision of(String... stages) {
        return new DeepSupervision(java.util.Arrays.stream(stages).map(s -> new SideOutput(s, 1)).toList(), 1, 1,
                Output.FUSED);
    }

    /** Binds configuration: omitted weights are 1, an omitted inference output FUSED. */
    @JsonCreator
    static DeepSupervision fromJson(@JsonProperty("sides") List<SideOutput> sides,
                                    @JsonProperty("mainWeight") Double mainWeight,
                                    @JsonProperty("fusedWeight") Double fusedWeight,
                                    @JsonProperty("inference") Output inference) {
        return new DeepSupervision(sides, mainWeight == null ? 1 : mainWeight, fusedWeight == null ? 1 : fusedWeight,
                inference == null ? Output.FUSED : inference);
    }

    /**
     * The loss weight of each output in the order the loss layer stacks them: the returned output
     * first, then the other of main and fused, then the sides in their order.
     */
    public double[] stackedWeights() {
        double[] weights = new double[sides.size() + 2];
        weights[0] = inference == Output.FUSED ? fusedWeight : mainWeight;
        weights[1] = inference == Output.FUSED ? mainWeight : fusedWeight;
        for (int i = 0; i < sides.size(); i++) {
            weights[i + 2] = sides.get(i).weight();
        }
        return weights;
    }

    private static void requireWeight(String field, double weight) {
        SegmentationSpec.require(weight >= 0 && weight <= 100, field + " must be in [0, 100], found " + weight);
    }
}
