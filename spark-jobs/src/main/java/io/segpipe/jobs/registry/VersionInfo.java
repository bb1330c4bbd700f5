package io.segpipe.jobs.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.segpipe.prep.Checks;
import io.segpipe.prep.Json;

/**
 * {@code version.json} inside a registered version directory, beside the model directory files.
 *
 * @param version     the version number (directory {@code versions/v%06d})
 * @param runId       the run that trained and registered it
 * @param createdAt   ISO-8601 UTC time of registration
 * @param modelSha256 SHA-256 of the version's {@code model.zip} at registration; null in versions
 *                    registered before it was recorded
 * @param details     what it was trained on and how it scored
 */
public record VersionInfo(int version, String runId, String createdAt, String modelSha256, Details details) {

    public VersionInfo {
        Checks.atLeast("version", version, 1);
        Checks.notBlank("runId", runId);
        Checks.notBlank("createdAt", createdAt);
        Checks.notNull("details", details);
    }

    /** {@code v000003}. */
    public String name() {
        return ModelRegistry.versionName(version);
    }

    public String toJson() {
        return Json.write(this);
    }

    public static VersionInfo fromJson(String json) {
        return Json.read(json, VersionInfo.class);
    }

    /**
     * What the caller of {@link ModelRegistry#register} knows about a new version.
     *
     * @param warmStartFrom         the version whose weights training started from, or null (from scratch)
     * @param dataset               the prepared dataset it was trained on
     * @param datasetManifestSha256 SHA-256 of that dataset's manifest.json
     * @param evalSplit             the held-out split of {@code metrics}
     * @param metrics               scalar metrics on that split (meanIoU, pixelAccuracy, ...); NaN allowed
     */
    public record Details(Integer warmStartFrom, String dataset, String datasetManifestSha256, String evalSplit,
                          Map<String, Double> metrics) {
        public Details {
            Checks.notBlank("dataset", dataset);
            Checks.notBlank("evalSplit", evalSplit);
            metrics = metrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }
    }
}
