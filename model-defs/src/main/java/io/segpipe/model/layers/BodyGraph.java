package io.segpipe.model.layers;

import java.util.LinkedHashMap;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The body of a {@link MultiScaleLayer}: a {@link ComputationGraph} with two things DL4J keeps
 * protected.
 *
 * <ul>
 *   <li>It writes its gradients where it is told. DL4J's {@code setBackpropGradientsViewArray}
 *       hands views to the layers but leaves the graph's own gradient array unset, and backprop then
 *       allocates a fresh one and re-points the layers at it; setting that array too makes the views
 *       stick, so the bodies of all scales share one gradient buffer instead of one each.</li>
 *   <li>It backpropagates external errors and returns the gradient with respect to its input, which
 *       DL4J's public {@code backpropGradient} clears before returning.</li>
 * </ul>
 */
final class BodyGraph extends ComputationGraph {
    BodyGraph(ComputationGraphConfiguration configuration) {
        super(configuration);
    }

    /** Makes backprop write this body's gradients into {@code view} (laid out as the parameters). */
    void shareGradients(INDArray view) {
        INDArray flat = view.reshape(view.length());
        setBackpropGradientsViewArray(flat);
        flattenedGradients = flat;
    }

    /**
     * Backprop of {@code scoresGradient} (the gradient of the loss with respect to the body's single
     * output) after a training {@code feedForward} that kept its inputs; the parameter gradients land
     * in the gradient view, the return value is the gradient with respect to the input.
     */
    INDArray backprop(INDArray scoresGradient) {
        calcBackpropGradients(false, false, scoresGradient);
        GraphVertex input = getVertex(getConfiguration().getNetworkInputs().get(0));
        INDArray inputGradient = input.getEpsilon();
        for (GraphVertex v : getVertices()) {
            v.clear();
        }
        return inputGradient;
    }

    /** The parameter views of the last backprop, keyed as DL4J keys them ({@code vertex_param}). */
    Map<String, INDArray> gradientViews() {
        return new LinkedHashMap<>(gradient.gradientForVariable());
    }
}
