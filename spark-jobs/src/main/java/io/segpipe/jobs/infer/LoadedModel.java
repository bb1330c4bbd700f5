package io.segpipe.jobs.infer;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

import io.segpipe.jobs.model.InferenceDefaults;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.model.io.ModelFile;
import io.segpipe.model.io.ModelFileException;
import io.segpipe.model.predict.Segmenter;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * A model read on the driver, checked, and kept as the DL4J zip bytes that are broadcast to the
 * executors.
 *
 * <p>{@link #read} takes a model directory written by training ({@link ModelDirectory}, checked
 * there) and keeps its network's zip, spec and recorded {@link InferenceDefaults}, the parts
 * evaluation and scoring need.
 *
 * @param path      where the model was read from (qualified)
 * @param spec      the network's spec
 * @param bytes     the DL4J zip
 * @param inferenceDefaults how the model's training prepared its input, or null when not recorded
 */
public record LoadedModel(String path, SegmentationSpec spec, byte[] bytes, InferenceDefaults inferenceDefaults) {

    public LoadedModel {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(bytes, "bytes");
    }

    /** The recorded {@link InferenceDefaults}, or empty for a model directory written before they were. */
    public Optional<InferenceDefaults> recordedInference() {
        return Optional.ofNullable(inferenceDefaults);
    }

    /**
     * Reads and checks a model: the spec must be valid and the zip must restore as a DL4J
     * {@code ComputationGraph} with one output.
     *
     * @throws IOException              when a file is missing or unreadable
     * @throws IllegalArgumentException when the file is not a DL4J model, or the spec is invalid or does not fit it
     */
    public static LoadedModel read(String path, Configuration conf) throws IOException {
        Path dir = new Path(path);
        FileSystem fs = dir.getFileSystem(conf);
        dir = ModelDirectory.locate(fs, fs.makeQualified(dir));
        ModelDirectory.Info info = ModelDirectory.readInfo(dir.toString(), conf);
        byte[] bytes = ModelDirectory.readModelFile(fs, dir);
        LoadedModel model = new LoadedModel(dir.toString(), info.spec(), bytes, info.inferenceDefaults());
        model.segmenter(); // fails here, on the driver, for a file that is not a DL4J model
        return model;
    }

    /** A model from a network in memory (tests, benchmarks, jobs that just trained it). */
    public static LoadedModel of(ComputationGraph net, SegmentationSpec spec, String description) {
        LoadedModel model = new LoadedModel(description, spec, ModelFile.write(net, false), null);
        model.segmenter();
        return model;
    }

    /**
     * A new network restored from the bytes ({@link ModelFile}: no code in the file runs), wrapped
     * for prediction.
     *
     * @throws IllegalArgumentException when the bytes are not a DL4J computation graph fitting the
     *                                  spec, or hold something that could run code
     */
    public Segmenter segmenter() {
        return segmenter(path, spec, bytes);
    }

    static Segmenter segmenter(String path, SegmentationSpec spec, byte[] bytes) {
        ComputationGraph net;
        try {
            net = ModelFile.read(bytes, false, "model " + path + ": " + ModelDirectory.MODEL);
        } catch (ModelFileException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Segmenter segmenter;
        try {
            segmenter = new Segmenter(net, spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model " + path + ": " + e.getMessage(), e);
        }
        long outputs = net.getNumOutputArrays();
        if (outputs != 1) {
            throw new IllegalArgumentException("model " + path + " has " + outputs + " outputs; a segmentation model has one");
        }
        return segmenter;
    }
}
