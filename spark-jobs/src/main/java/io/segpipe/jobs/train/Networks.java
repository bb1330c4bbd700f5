package io.segpipe.jobs.train;

import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

import io.segpipe.model.arch.Architectures;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * Builds the network of a spec with the training configuration's optimiser and weight decay. Public so
 * that benchmarks ({@code io.segpipe.jobs.bench}) train exactly the network the training job trains.
 */
public final class Networks {
    private Networks() {
    }

    /** A new, initialised network of {@code spec} trained by {@code optimizer}. */
    public static ComputationGraph create(SegmentationSpec spec, OptimizerConfig optimizer) {
        ComputationGraphConfiguration conf = Architectures.build(spec);
        IUpdater updater = updater(optimizer, optimizer.learningRate());
        List<Regularization> decay = optimizer.weightDecay() > 0
                ? List.of(new WeightDecay(optimizer.weightDecay(), true)) : List.of();
        for (GraphVertex v : conf.getVertices().values()) {
            if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BaseLayer layer) {
                // frozen layers are wrappers (not BaseLayer) and keep their no-op updater
                layer.setIUpdater(updater.clone());
                layer.setBiasUpdater(null);
                layer.setRegularization(layer instanceof BatchNormalization ? List.of() : decay);
                layer.setRegularizationBias(List.of());
            }
        }
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    static IUpdater updater(OptimizerConfig o, double lr) {
        return switch (o.type()) {
            case SGD -> new Nesterovs(lr, o.momentum());
            case ADAM -> new Adam(lr, o.beta1(), o.beta2(), Adam.DEFAULT_ADAM_EPSILON);
        };
    }
}
