package io.segpipe.model.predict;

import java.util.Objects;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.Pad;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import io.segpipe.model.arch.Architectures;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * The prediction API of every segpipe network: per-pixel class probabilities {@code [N, K, H, W]}
 * and the arg-max label map {@code [N, H, W]} for images {@code [N, C, H, W]} of any size the
 * architecture accepts.
 *
 * <p>Architectures that need particular sizes ({@link Architectures#tiling}: U-Net with same
 * padding wants multiples of 2^depth, with valid padding a margin around the image) get their
 * input padded by reflection (mirroring the image, the overlap-tile strategy of the U-Net paper,
 * so the border sees image-like content rather than a black band; zeros where the image is
 * smaller than the padding), and the output cropped back to H x W. Architectures that accept any
 * size (FCN, SegNet, DeepLab) run on the image as it is.
 *
 * <p>Inference mode: batch norm uses its running statistics and dropout is off. One instance is
 * safe to share between threads (calls are serialised: a DL4J graph is not re-entrant).
 */
public final class Segmenter {
    private final ComputationGraph net;
    private final SegmentationSpec spec;

    /**
     * @param net an initialised (or restored) network built from {@code spec}
     * @param spec the spec the network was built from
     */
    public Segmenter(ComputationGraph net, SegmentationSpec spec) {
        this.net = Objects.requireNonNull(net, "net");
        this.spec = Objects.requireNonNull(spec, "spec");
        long outputs = net.getConfiguration().getNetworkOutputs().size();
        if (outputs != 1) {
            throw new IllegalArgumentException("a segmentation network has one output, found " + outputs);
        }
    }

    /** A segmenter on a new network of {@code spec} (untrained, for tests and benchmarks). */
    public static Segmenter create(SegmentationSpec spec) {
        return new Segmenter(Architectures.create(spec), spec);
    }

    public ComputationGraph network() {
        return net;
    }

    public SegmentationSpec spec() {
        return spec;
    }

    /**
     * Class probabilities (softmax over the class axis).
     *
     * @param images {@code [N, C, H, W]}, C = the spec's input channels; H, W >= 1
     * @return {@code [N, K, H, W]}, float
     */
    public INDArray probabilities(INDArray images) {
        long[] shape = checkImages(images);
        int height = (int) shape[2];
        int width = (int) shape[3];
        Architectures.Tiling rows = Architectures.tiling(spec, height);
        Architectures.Tiling cols = Architectures.tiling(spec, width);
        INDArray input = images.castTo(DataType.FLOAT);
        if (!rows.isNone() || !cols.isNone()) {
            input = pad(input, rows, cols);
        }
        INDArray out;
        synchronized (net) {
            out = net.outputSingle(false, input);
        }
        long[] outShape = out.shape();
        if (outShape[2] < height || outShape[3] < width) {
            throw new IllegalStateException("network output " + java.util.Arrays.toString(outShape)
                    + " is smaller than the input " + height + "x" + width + " (" + spec.architecture() + ")");
        }
        if (outShape[2] != height || outShape[3] != width) {
            out = out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, height),
                    NDArrayIndex.interval(0, width)).dup();
        }
        return out;
    }

    /**
     * The most probable class of each pixel.
     *
     * @param images {@code [N, C, H, W]}
     * @return {@code [N, H, W]}, int, values in [0, K)
     */
    public INDArray labels(INDArray images) {
        return predict(images).labels();
    }

    /** Probabilities and labels of one forward pass. */
    public Prediction predict(INDArray images) {
        INDArray probabilities = probabilities(images);
        return new Prediction(probabilities, argMax(probabilities));
    }

    /** The arg-max over the class axis of {@code [N, K, H, W]} scores: {@code [N, H, W]} int. */
    public static INDArray argMax(INDArray scores) {
        return Nd4j.argMax(scores, 1).castTo(DataType.INT);
    }

    private long[] checkImages(INDArray images) {
        Objects.requireNonNull(images, "images");
        long[] shape = images.shape();
        if (shape.length != 4 || shape[1] != spec.inputChannels() || shape[0] < 1 || shape[2] < 1 || shape[3] < 1) {
            throw new IllegalArgumentException("images must be [N, " + spec.inputChannels() + ", H, W] with N, H, W >= 1, found "
                    + java.util.Arrays.toString(shape));
        }
        return shape;
    }

    /** Reflection needs each pad to be smaller than the size; smaller images fall back to zero padding. */
    private static INDArray pad(INDArray input, Architectures.Tiling rows, Architectures.Tiling cols) {
        int[][] widths = {{0, 0}, {0, 0}, {rows.before(), rows.after()}, {cols.before(), cols.after()}};
        boolean reflectable = Math.max(rows.before(), rows.after()) < input.size(2)
                && Math.max(cols.before(), cols.after()) < input.size(3);
        return Nd4j.pad(input, widths, reflectable ? Pad.Mode.REFLECT : Pad.Mode.CONSTANT, 0);
    }

    /**
     * @param probabilities {@code [N, K, H, W]}
     * @param labels {@code [N, H, W]} int
     */
    public record Prediction(INDArray probabilities, INDArray labels) {
    }
}
