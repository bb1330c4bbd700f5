package io.segpipe.model.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import io.segpipe.model.layers.MultiScaleLayer;
import io.segpipe.model.layers.MultiScaleLossLayer;

/**
 * Time a training step spends in segpipe's own pieces (the vertices of {@code io.segpipe.model.layers}
 * and the {@code io.segpipe.model.loss} function of the output layer), which DL4J's listeners
 * cannot see: each custom vertex of the network is replayed in isolation, forward and backward,
 * on the very inputs a real training-mode forward pass gave it, and the loss's score and gradient
 * on the real scores. The sum, per step, is compared to the measured step time by
 * {@link ArchitectureBenchmark}.
 *
 * <p>A {@link MultiScaleLayer} is a layer holding a whole network (DeepLab v2's multi-scale body):
 * its time is its body's layers, three times, and is not counted here; a
 * {@link MultiScaleLossLayer}'s loss is timed on all its stacked outputs.
 *
 * <p>An isolated replay leaves out what the full step adds around a vertex (workspace
 * bookkeeping, a colder cache), so the share is a slight under-estimate; it is a measurement of
 * the vertices' own arithmetic and data movement, not a model.
 */
public final class CustomLayerTimer {
    /** The package whose vertices are segpipe's custom layers. */
    static final String LAYERS_PACKAGE = "io.segpipe.model.layers";

    private CustomLayerTimer() {
    }

    /**
     * Mean seconds per training step spent in each kind of custom piece (vertex class simple name,
     * or the loss's), summed over all its occurrences in the network.
     *
     * @param features one training batch
     * @param labels its one-hot labels {@code [N, K, H, W]}
     * @param repeats timed replays of each piece (after one untimed)
     */
    public static Map<String, Double> secondsPerStep(ComputationGraph net, INDArray features, INDArray labels, int repeats) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        Map<String, INDArray> activations = net.feedForward(new INDArray[] {features}, true);
        Map<String, Double> seconds = new LinkedHashMap<>();
        LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
        for (Map.Entry<String, GraphVertex> entry : conf.getVertices().entrySet()) {
            GraphVertex vertexConf = entry.getValue();
            if (!vertexConf.getClass().getPackageName().equals(LAYERS_PACKAGE)) {
                continue;
            }
            List<String> inputNames = conf.getVertexInputs().get(entry.getKey());
            INDArray[] inputs = inputNames.stream().map(activations::get).toArray(INDArray[]::new);
            org.deeplearning4j.nn.graph.vertex.GraphVertex vertex = net.getVertex(entry.getKey());
            INDArray epsilon = null;
            double total = 0;
            for (int r = 0; r <= repeats; r++) {
                long start = System.nanoTime();
                vertex.setInputs(inputs);
                INDArray out = vertex.doForward(true, noWorkspaces);
                if (epsilon == null) {
                    epsilon = Nd4j.rand(out.dataType(), out.shape());
                }
                vertex.setEpsilon(epsilon);
                vertex.doBackward(false, noWorkspaces);
                if (r > 0) {
                    total += (System.nanoTime() - start) / 1e9;
                }
            }
            vertex.clear();
            seconds.merge(vertexConf.getClass().getSimpleName(), total / repeats, Double::sum);
        }
        for (String output : conf.getNetworkOutputs()) {
            if (conf.getVertices().get(output) instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof CnnLossLayer loss
                    && loss.getLossFn().getClass().getPackageName().equals("io.segpipe.model.loss")) {
                INDArray scores = activations.get(conf.getVertexInputs().get(output).get(0));
                // a multi-scale loss layer scores each of its stacked outputs against the same labels
                INDArray lossLabels = loss instanceof MultiScaleLossLayer multiScale
                        ? Nd4j.concat(0, java.util.Collections.nCopies(multiScale.getOutputs(), labels).toArray(INDArray[]::new))
                        : labels;
                seconds.merge(loss.getLossFn().getClass().getSimpleName(),
                        timeLoss(loss.getLossFn(), loss.getActivationFn(), scores, lossLabels, repeats), Double::sum);
            }
        }
        return seconds;
    }

    /** CnnLossLayer's own reshaping: [N, K, H, W] to [N·H·W, K] rows, then score and gradient. */
    private static double timeLoss(ILossFunction loss, IActivation activation, INDArray scores, INDArray labels, int repeats) {
        long k = scores.size(1);
        double total = 0;
        for (int r = 0; r <= repeats; r++) {
            long start = System.nanoTime();
            INDArray preOutput = scores.permute(0, 2, 3, 1).dup('c').reshape('c', -1, k);
            INDArray labels2d = labels.permute(0, 2, 3, 1).dup('c').reshape('c', -1, k);
            loss.computeGradientAndScore(labels2d, preOutput, activation, null, false);
            if (r > 0) {
                total += (System.nanoTime() - start) / 1e9;
            }
        }
        return total / repeats;
    }
}
