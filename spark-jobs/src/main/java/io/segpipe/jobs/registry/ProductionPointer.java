package io.segpipe.jobs.registry;

import io.segpipe.prep.Checks;
import io.segpipe.prep.Json;

/**
 * {@code production.json}: which version is in production. Replaced as a whole by one atomic
 * rename, so a reader sees the previous pointer or the new one, never a missing or partial file.
 *
 * @param version         the production version number
 * @param path            its directory relative to the registry root ({@code versions/v000003})
 * @param runId           the run that promoted it
 * @param promotedAt      ISO-8601 UTC time of the promotion
 * @param previousVersion the version it replaced, or null for the first promotion
 * @param reason          why it was promoted
 */
public record ProductionPointer(int version, String path, String runId, String promotedAt, Integer previousVersion,
                                String reason) {

    public ProductionPointer {
        Checks.atLeast("version", version, 1);
        Checks.notBlank("path", path);
        Checks.notBlank("runId", runId);
        Checks.notBlank("promotedAt", promotedAt);
        Checks.notNull("reason", reason);
    }

    public String toJson() {
        return Json.write(this);
    }

    public static ProductionPointer fromJson(String json) {
        return Json.read(json, ProductionPointer.class);
    }
}
