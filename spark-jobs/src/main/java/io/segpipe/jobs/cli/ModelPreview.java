package io.segpipe.jobs.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import io.segpipe.jobs.infer.InferenceConfig;
import io.segpipe.jobs.infer.InputSettings;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.jobs.registry.ModelSource;
import io.segpipe.prep.reader.Normalization;

/**
 * For {@code --print-config}: the settings a job would apply its model with, resolved the way the
 * job resolves them ({@link InputSettings}) from the model's metadata alone (no network, no
 * Spark), with one note per setting saying where its value comes from. The notes go to standard
 * error, so standard output stays the configuration as JSON.
 */
final class ModelPreview {

    private ModelPreview() {
    }

    /**
     * The settings of {@code model} under the configured values, or empty when the model cannot be
     * read here (noted; the job reads it when it runs).
     *
     * @param keys the settings the command has ({@link InputSettings#NORMALIZATION}, ...), to note
     * @throws IllegalArgumentException when a configured value cannot work with the model, or the
     *                                  model reference is malformed
     */
    static Optional<InputSettings> settings(String model, Normalization normalization, Double inputScale,
                                            InferenceConfig inference, List<String> keys, Configuration conf,
                                            PrintWriter notes) {
        ModelSource source;
        String path;
        ModelDirectory.Info info;
        try {
            source = ModelSource.resolve(model, conf);
            Path dir = new Path(source.path());
            path = dir.getFileSystem(conf).makeQualified(dir).toString(); // as the job names it
            info = ModelDirectory.readInfo(path, conf);
        } catch (IOException e) {
            notes.println("# " + String.join(", ", keys) + ": unset ones come from model " + model
                    + " when the job runs; it cannot be read here: " + e.getMessage());
            return Optional.empty();
        }
        if (source.fromRegistry()) {
            notes.println("# " + model + " is " + source.describe() + " (" + path + ")");
        }
        InputSettings settings = InputSettings.resolve(normalization, inputScale, inference, info.recordedInference(),
                info.spec(), path);
        settings.describeSources(path).forEach((key, line) -> {
            if (keys.contains(key)) {
                notes.println("# " + line);
            }
        });
        settings.warnings().forEach(w -> notes.println("# warning: " + w));
        return Optional.of(settings);
    }

    /** Notes a value that comes from the configuration or a fixed default, not from a model. */
    static void note(PrintWriter notes, String key, Object value, boolean configured, String defaultWhy) {
        notes.println("# " + key + " = " + value + ": " + (configured ? "set in the configuration" : defaultWhy));
    }
}
