package io.segpipe.jobs.infer;

import java.io.IOException;

import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.jobs.registry.ModelSource;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.prep.reader.Normalization;

/**
 * The model a job's configuration names, opened on the driver the same way by evaluation and
 * scoring: the {@code model} value resolved ({@link ModelSource}: a directory or a registry's
 * model), the model read and checked ({@link LoadedModel}), and the settings it is applied with
 * ({@link InputSettings}: configured, else recorded by its training), which are logged.
 *
 * @param source   where the model came from
 * @param model    the model, ready to broadcast
 * @param settings normalisation, input scale and inference mode, with where each came from
 */
public record JobModel(ModelSource source, LoadedModel model, InputSettings settings) {

    private static final Logger LOG = LoggerFactory.getLogger(JobModel.class);

    /**
     * Opens the model a job names.
     *
     * @param model         the job's {@code model} value
     * @param normalization configured normalisation, or null for the model's
     * @param inputScale    configured input scale, or null for the model's
     * @param inference     configured inference mode, or null for the model's
     * @throws IOException              when the model or its registry cannot be read or resolved
     * @throws IllegalArgumentException when the model is not a DL4J model, a registry reference is
     *                                  malformed, or the normalisation does not fit the model
     */
    public static JobModel open(String model, Normalization normalization, Double inputScale, InferenceConfig inference,
                                Configuration conf) throws IOException {
        ModelSource source = ModelSource.resolve(model, conf);
        if (source.fromRegistry()) {
            LOG.info("Model {} is {}", model, source.describe());
        }
        Nd4jBackend.init();
        LoadedModel loaded = LoadedModel.read(source.path(), conf);
        InputSettings settings = InputSettings.resolve(normalization, inputScale, inference, loaded.recordedInference(),
                loaded.spec(), loaded.path());
        settings.log(LOG, loaded.path());
        return new JobModel(source, loaded, settings);
    }
}
