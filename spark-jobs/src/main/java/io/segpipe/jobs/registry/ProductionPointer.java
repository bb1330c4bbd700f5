package io.segpipe.jobs.registry;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;

import io.segpipe.prep.Checks;
import io.segpipe.prep.Json;

/**
 * {@code production.json}: which version is in production. Replaced as a whole by one atomic
 * rename, so a reader sees the previous pointer or the new one, never a missing or partial file.
 *
 * <p>{@code earlierVersions} is what a rollback undoes: a promotion pushes the version it replaces,
 * a rollback pops the version it returns to, so consecutive rollbacks walk back through the
 * promotions instead of flipping between the last two versions. A pointer written before the list
 * existed reads with {@code previousVersion} as its only entry.
 *
 * @param version         the production version number
 * @param path            its directory relative to the registry root ({@code versions/v000003})
 * @param runId           the run (or manual command) that made it production
 * @param promotedAt      ISO-8601 UTC time it became production
 * @param previousVersion the version it replaced, or null for the first promotion
 * @param reason          why it became production
 * @param earlierVersions the production versions before it that a rollback returns to, most recent
 *                        first (the version a rollback replaced is not among them)
 */
public record ProductionPointer(int version, String path, String runId, String promotedAt, Integer previousVersion,
                                String reason, List<Integer> earlierVersions) {

    @JsonCreator
    public ProductionPointer {
        Checks.atLeast("version", version, 1);
        Checks.notBlank("path", path);
        Checks.notBlank("runId", runId);
        Checks.notBlank("promotedAt", promotedAt);
        Checks.notNull("reason", reason);
        if (earlierVersions == null) {
            earlierVersions = previousVersion == null ? List.of() : List.of(previousVersion);
        }
        earlierVersions = List.copyOf(earlierVersions);
    }

    /** A pointer whose rollback history is just the version it replaced (as pointers were written before). */
    public ProductionPointer(int version, String path, String runId, String promotedAt, Integer previousVersion,
                             String reason) {
        this(version, path, runId, promotedAt, previousVersion, reason, null);
    }

    /** The rollback history of a promotion that replaces this pointer's version. */
    List<Integer> afterPromotion() {
        List<Integer> out = new ArrayList<>(earlierVersions.size() + 1);
        out.add(version);
        out.addAll(earlierVersions);
        return out;
    }

    public String toJson() {
        return Json.write(this);
    }

    public static ProductionPointer fromJson(String json) {
        return Json.read(json, ProductionPointer.class);
    }
}
