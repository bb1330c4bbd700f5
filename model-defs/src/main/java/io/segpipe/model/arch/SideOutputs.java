package io.segpipe.model.arch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.StackVertex;
import org.nd4j.linalg.activations.Activation;

import io.segpipe.model.layers.MultiScaleLossLayer;
import io.segpipe.model.layers.SideFusion;
import io.segpipe.model.spec.DeepSupervision;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * Deep supervision's heads ({@link DeepSupervision}: HED, ICCV 2015; FSDS, CVPR 2016) on any
 * architecture: a side head per named stage, the learned per-class fusion of the network's own
 * scores and the sides' ({@link SideFusion}), and one loss layer that supervises every output with
 * its weight ({@link MultiScaleLossLayer}, the outputs stacked in the batch dimension, the one the
 * network returns first).
 */
final class SideOutputs {
    private SideOutputs() {
    }

    /**
     * The stages of the graph built so far, in the order they were added: each block (the vertices
     * whose names share the part before the first {@code _}) mapped to its last vertex, up to the
     * block of {@code scores}, which is the head and not a stage.
     */
    static Map<String, String> stages(GraphBuilder g, String scores) {
        Map<String, String> last = new LinkedHashMap<>();
        for (String vertex : g.getVertices().keySet()) {
            String block = block(vertex);
            last.remove(block); // re-inserted: blocks are ordered by their last vertex
            last.put(block, vertex);
        }
        Map<String, String> stages = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : last.entrySet()) {
            if (e.getKey().equals(block(scores))) {
                break;
            }
            stages.put(e.getKey(), e.getValue());
        }
        return stages;
    }

    /**
     * Adds the side heads on {@code stages}, their fusion with {@code main} (the network's own class
     * scores, {@code [N, K, H, W]}) and the loss layer {@link Blocks#OUTPUT}.
     */
    static String add(GraphBuilder g, SegmentationSpec spec, Map<String, String> stages, String main) {
        DeepSupervision supervision = spec.deepSupervision();
        List<String> sides = new ArrayList<>();
        for (int i = 0; i < supervision.sides().size(); i++) {
            String stage = supervision.sides().get(i).stage();
            String from = stages.get(stage);
            if (from == null) {
                throw new IllegalArgumentException("deepSupervision.sides[" + i + "].stage: " + spec.architecture()
                        + " has no stage '" + stage + "'; its stages are " + String.join(", ", stages.keySet()));
            }
            String scores = Blocks.scores(g, spec, "side-" + stage + "_scores", from, 1);
            sides.add(Blocks.resizeToMatch(g, "side-" + stage + "_resize", scores, main));
        }
        List<String> fused = new ArrayList<>();
        fused.add(main);
        fused.addAll(sides);
        Blocks.concat(g, "side-fusion_concat", fused.toArray(String[]::new));
        g.addLayer("side-fusion", new SideFusion.Builder(fused.size(), spec.numClasses()).build(), "side-fusion_concat");

        List<String> stacked = new ArrayList<>();
        boolean fusedFirst = supervision.inference() == DeepSupervision.Output.FUSED;
        stacked.add(fusedFirst ? "side-fusion" : main);
        stacked.add(fusedFirst ? main : "side-fusion");
        stacked.addAll(sides);
        g.addVertex("side-stack", new StackVertex(), stacked.toArray(String[]::new));
        g.addLayer(Blocks.OUTPUT, new MultiScaleLossLayer(Blocks.loss(spec), Activation.SOFTMAX.getActivationFunction(),
                stacked.size(), supervision.stackedWeights()), "side-stack");
        g.setOutputs(Blocks.OUTPUT);
        return Blocks.OUTPUT;
    }

    private static String block(String vertex) {
        int cut = vertex.indexOf('_');
        return cut < 0 ? vertex : vertex.substring(0, cut);
    }
}
