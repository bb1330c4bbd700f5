package io.segpipe.jobs.model;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;

/**
 * Where a model came from (Tribuo's {@code ModelProvenance} idea): the software and hosts that
 * trained it, how it was trained, and the data it saw.
 *
 * <p>{@code provenance.json} keeps the flat layout every model directory has had: the parts'
 * fields side by side next to {@code format} and {@code formatVersion}, so directories written
 * before the parts existed read unchanged, and unknown keys are still errors.
 *
 * @param format        always {@value ModelDirectory#FORMAT}
 * @param formatVersion {@link ModelDirectory#FORMAT_VERSION} of the directory layout
 * @param system        code and stack versions, hosts
 * @param training      seed, time, training master, epochs and the model's epoch
 * @param data          the prepared dataset and the hash of its manifest
 */
@JsonDeserialize(builder = Provenance.FlatReader.class)
public record Provenance(String format, int formatVersion, @JsonUnwrapped SystemInfo system,
                         @JsonUnwrapped Training training, @JsonUnwrapped Data data) {

    /**
     * The software that trained the model, and where.
     *
     * @param codeVersion segpipe version (spark-jobs artifact version)
     * @param dl4jVersion DL4J version
     * @param sparkVersion Spark version
     * @param javaVersion Java runtime version of the driver
     * @param hosts       driver and executor hosts that took part
     */
    public record SystemInfo(String codeVersion, String dl4jVersion, String sparkVersion, String javaVersion,
                             List<String> hosts) {
        public SystemInfo {
            hosts = hosts == null ? List.of() : List.copyOf(hosts);
        }

        /** This JVM's segpipe, DL4J and Java versions with {@code sparkVersion} and {@code hosts}. */
        public static SystemInfo current(String sparkVersion, List<String> hosts) {
            return new SystemInfo(segpipeVersion(), io.segpipe.model.backend.StackVersions.dl4j(), sparkVersion,
                    Runtime.version().toString(), hosts);
        }
    }

    /**
     * How the model was trained.
     *
     * @param seed            the run's seed (parameters, augmentation, shuffling)
     * @param startedAt       ISO-8601 UTC time the run (first attempt) started
     * @param finishedAt      ISO-8601 UTC time the model directory was written
     * @param trainingMode    {@code PARAMETER_AVERAGING} ({@code SHARED_GRADIENTS} in files of releases that offered it)
     * @param trainingMaster  the training-master settings, as JSON
     * @param epochs          epochs trained
     * @param modelEpoch      epoch whose parameters {@code model.zip} holds (the best by val mIoU, or the last)
     * @param modelValMeanIoU val mIoU of that epoch, or null when it was not validated
     * @param resumedFrom     checkpoint the run resumed from, or null
     */
    public record Training(long seed, String startedAt, String finishedAt, String trainingMode,
                           JsonNode trainingMaster, int epochs, int modelEpoch, Double modelValMeanIoU,
                           String resumedFrom) {
    }

    /**
     * The data the model was trained on.
     *
     * @param dataset            path of the prepared dataset
     * @param dataManifestSha256 SHA-256 (hex) of the dataset's {@code manifest.json} bytes
     */
    public record Data(String dataset, String dataManifestSha256) {
    }

    /** segpipe's version from the jar, or "unknown". */
    public static String segpipeVersion() {
        return io.segpipe.model.backend.StackVersions.maven("io.segpipe", "spark-jobs");
    }

    /**
     * Reads the flat layout into the parts. A builder rather than unwrapped creator properties:
     * Jackson ignores unknown keys around unwrapped ones, and this one rejects them as before.
     */
    @JsonPOJOBuilder(withPrefix = "")
    static final class FlatReader {
        private String format;
        private int formatVersion;
        private String codeVersion;
        private String dl4jVersion;
        private String sparkVersion;
        private String javaVersion;
        private List<String> hosts;
        private long seed;
        private String startedAt;
        private String finishedAt;
        private String trainingMode;
        private JsonNode trainingMaster;
        private int epochs;
        private int modelEpoch;
        private Double modelValMeanIoU;
        private String resumedFrom;
        private String dataset;
        private String dataManifestSha256;

        FlatReader format(String v) { format = v; return this; }
        FlatReader formatVersion(int v) { formatVersion = v; return this; }
        FlatReader codeVersion(String v) { codeVersion = v; return this; }
        FlatReader dl4jVersion(String v) { dl4jVersion = v; return this; }
        FlatReader sparkVersion(String v) { sparkVersion = v; return this; }
        FlatReader javaVersion(String v) { javaVersion = v; return this; }
        FlatReader hosts(List<String> v) { hosts = v; return this; }
        FlatReader seed(long v) { seed = v; return this; }
        FlatReader startedAt(String v) { startedAt = v; return this; }
        FlatReader finishedAt(String v) { finishedAt = v; return this; }
        FlatReader trainingMode(String v) { trainingMode = v; return this; }
        FlatReader trainingMaster(JsonNode v) { trainingMaster = v; return this; }
        FlatReader epochs(int v) { epochs = v; return this; }
        FlatReader modelEpoch(int v) { modelEpoch = v; return this; }
        FlatReader modelValMeanIoU(Double v) { modelValMeanIoU = v; return this; }
        FlatReader resumedFrom(String v) { resumedFrom = v; return this; }
        FlatReader dataset(String v) { dataset = v; return this; }
        FlatReader dataManifestSha256(String v) { dataManifestSha256 = v; return this; }

        Provenance build() {
            return new Provenance(format, formatVersion,
                    new SystemInfo(codeVersion, dl4jVersion, sparkVersion, javaVersion, hosts),
                    new Training(seed, startedAt, finishedAt, trainingMode, trainingMaster, epochs, modelEpoch,
                            modelValMeanIoU, resumedFrom),
                    new Data(dataset, dataManifestSha256));
        }
    }
}
