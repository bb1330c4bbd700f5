package io.segpipe.jobs.model;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a model came from (Tribuo's {@code ModelProvenance} idea): code and stack versions, seed,
 * time, the hosts that trained it, the training-master settings and the data it saw.
 *
 * @param format             always {@value ModelDirectory#FORMAT}
 * @param formatVersion      {@link ModelDirectory#FORMAT_VERSION} of the directory layout
 * @param codeVersion        segpipe version (spark-jobs artifact version)
 * @param dl4jVersion        DL4J version
 * @param sparkVersion       Spark version
 * @param javaVersion        Java runtime version of the driver
 * @param seed               the run's seed (parameters, augmentation, shuffling)
 * @param startedAt          ISO-8601 UTC time the run (first attempt) started
 * @param finishedAt         ISO-8601 UTC time the model directory was written
 * @param hosts              driver and executor hosts that took part
 * @param trainingMode       {@code PARAMETER_AVERAGING} or {@code SHARED_GRADIENTS}
 * @param trainingMaster     the training-master settings, as JSON
 * @param dataset            path of the prepared dataset
 * @param dataManifestSha256 SHA-256 (hex) of the dataset's {@code manifest.json} bytes
 * @param epochs             epochs trained
 * @param modelEpoch         epoch whose parameters {@code model.zip} holds (the best by val mIoU, or the last)
 * @param modelValMeanIoU    val mIoU of that epoch, or null when it was not validated
 * @param resumedFrom        checkpoint the run resumed from, or null
 */
public record Provenance(String format, int formatVersion, String codeVersion, String dl4jVersion, String sparkVersion,
                         String javaVersion, long seed, String startedAt, String finishedAt, List<String> hosts,
                         String trainingMode, JsonNode trainingMaster, String dataset, String dataManifestSha256,
                         int epochs, int modelEpoch, Double modelValMeanIoU, String resumedFrom) {

    public Provenance {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
    }

    /** segpipe's version from the jar, or "unknown". */
    public static String segpipeVersion() {
        return io.segpipe.model.backend.StackVersions.maven("io.segpipe", "spark-jobs");
    }
}
