package io.segpipe.model.arch;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

import io.segpipe.model.spec.Backbone;
import io.segpipe.model.spec.SegmentationSpec;

/** The encoders of DeepLab v2, v3 and v3+, chosen by {@link SegmentationSpec#backbone()}. */
final class Backbones {
    /**
     * Multi-Grid unit rates of the last stage (Chen et al. 2017, section 3.2): (1, 2, 4), the
     * paper's best in its Table 3, multiplied by the stage's own rate.
     */
    static final int[] MULTI_GRID = {1, 2, 4};

    private Backbones() {
    }

    /**
     * What an encoder hands to the DeepLab heads.
     *
     * @param lowLevel the stride-4 features the v3+ decoder uses
     * @param high the last stage's features, at the spec's output stride
     */
    record Features(String lowLevel, int lowLevelChannels, String high, int highChannels) {
    }

    /** Adds {@code spec}'s backbone on {@code in}. */
    static Features build(GraphBuilder g, SegmentationSpec spec, String in) {
        Backbone backbone = spec.backbone();
        if (backbone == null) {
            throw new IllegalArgumentException(spec.architecture() + " has no choice of backbone");
        }
        return switch (backbone) {
            case RESNET -> ResNet.backbone(g, spec, in);
            case XCEPTION -> Xception.backbone(g, spec, in);
        };
    }
}
