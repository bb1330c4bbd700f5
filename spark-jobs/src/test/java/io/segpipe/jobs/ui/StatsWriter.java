package io.segpipe.jobs.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.storage.sqlite.J7FileStatsStorage;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Writes a DL4J stats file the way training does (a {@code StatsListener} into a
 * {@code J7FileStatsStorage}), from a tiny network, and records the score of every iteration
 * itself so tests can compare what the UI serves with what was trained.
 */
final class StatsWriter implements AutoCloseable {
    /** Parameters of {@link #network}: 4x5+5 + 5x3+3. */
    static final long PARAMETERS = 43;

    private final J7FileStatsStorage storage;
    private final ComputationGraph net = network();
    private final DataSet data = new DataSet(Nd4j.rand(8, 4), Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2, 0, 1));
    final List<Double> scores = new ArrayList<>();

    StatsWriter(Path file, String session) {
        storage = new J7FileStatsStorage(file.toFile());
        net.setListeners(new StatsListener(storage, 1, session), new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                scores.add(model.score());
            }
        });
    }

    /** Trains {@code iterations} minibatches, each reported to the file. */
    StatsWriter train(int iterations) {
        for (int i = 0; i < iterations; i++) {
            net.fit(data);
        }
        return this;
    }

    private static ComputationGraph network() {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(7).updater(new Adam(0.01))
                .graphBuilder().addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.RELU).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("out").build());
        net.init();
        return net;
    }

    @Override
    public void close() throws IOException {
        storage.close();
    }
}
