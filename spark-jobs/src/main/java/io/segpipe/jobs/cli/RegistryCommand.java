package io.segpipe.jobs.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

import org.apache.hadoop.conf.Configuration;

import io.segpipe.jobs.infer.InputSettings;
import io.segpipe.jobs.model.InferenceDefaults;
import io.segpipe.jobs.registry.HistoryRecord;
import io.segpipe.jobs.registry.LockSettings;
import io.segpipe.jobs.registry.ModelRegistry;
import io.segpipe.jobs.registry.ModelSource;
import io.segpipe.jobs.registry.ProductionPointer;
import io.segpipe.jobs.registry.RegistryAdmin;
import io.segpipe.prep.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code segpipe registry list | show VERSION | promote VERSION | rollback}: look into a model
 * registry and move its production pointer by hand ({@link RegistryAdmin}). Needs no Spark.
 */
@Command(name = "registry", mixinStandardHelpOptions = true,
        description = {"Show a model registry's versions and move its production pointer by hand. Every change holds "
                + "the registry lock and is recorded in the registry's history.",
                "Jobs name a registry model as registry:<root> (production) or registry:<root>@v3 (a version).",
                "Example: segpipe registry list --registry hdfs:///models/camvid"},
        subcommands = {RegistryCommand.ListVersions.class, RegistryCommand.Show.class, RegistryCommand.Promote.class,
                RegistryCommand.Rollback.class})
final class RegistryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: one of list, show, promote, rollback");
    }

    /** The registry every subcommand works on. */
    static final class Target {
        @Option(names = {"-r", "--registry"}, required = true, paramLabel = "ROOT",
                description = "Registry root, any Hadoop path (e.g. hdfs:///models/camvid; registry:<root> works too).")
        String root;

        ModelRegistry open() throws IOException {
            // The jobs' reference form is accepted too, so a value can be copied between them.
            String path = root.startsWith(ModelSource.PREFIX) ? root.substring(ModelSource.PREFIX.length()) : root;
            return ModelRegistry.openExisting(path, new Configuration());
        }
    }

    /** What promote and rollback share: the reason recorded and the lock's stale timeout. */
    static final class ChangeOptions {
        @Option(names = "--reason", paramLabel = "TEXT",
                description = "Why, recorded in the production pointer and the history (default: manual promotion / "
                        + "rollback by <user>).")
        String reason;

        @Option(names = "--lock-timeout", paramLabel = "SECONDS", defaultValue = "600",
                description = "Break a registry lock whose holder sent no heartbeat for this long (default: "
                        + "${DEFAULT-VALUE}).")
        long lockTimeoutSeconds;

        LockSettings lockSettings() {
            if (lockTimeoutSeconds < 10) {
                throw new UserException("--lock-timeout must be >= 10 seconds, found " + lockTimeoutSeconds);
            }
            return LockSettings.staleAfter(Duration.ofSeconds(lockTimeoutSeconds));
        }
    }

    /** {@code segpipe registry list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the registered versions, the production one marked with *.")
    static final class ListVersions implements Callable<Integer> {
        @Mixin
        Target target;
        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            RegistryAdmin.Listing listing = RegistryAdmin.list(target.open());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.write(listing));
            } else {
                printListing(out, listing);
            }
            out.flush();
            return 0;
        }
    }

    /** {@code segpipe registry show VERSION}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show one version: registration, model, how it is applied, training, metrics, history.")
    static final class Show implements Callable<Integer> {
        @Mixin
        Target target;
        @Parameters(paramLabel = "VERSION", description = "v3, 3 or v000003.")
        String version;
        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            int number = ModelRegistry.parseVersion(version);
            RegistryAdmin.VersionDetails details = RegistryAdmin.show(target.open(), number);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.write(details));
            } else {
                printDetails(out, details);
            }
            out.flush();
            return 0;
        }
    }

    /** {@code segpipe registry promote VERSION}. */
    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Make VERSION the production model (after checking its model is the one registered).")
    static final class Promote implements Callable<Integer> {
        @Mixin
        Target target;
        @Mixin
        ChangeOptions options;
        @Parameters(paramLabel = "VERSION", description = "v3, 3 or v000003.")
        String version;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            int number = ModelRegistry.parseVersion(version);
            LockSettings settings = options.lockSettings();
            printChange(spec.commandLine().getOut(),
                    RegistryAdmin.promote(target.open(), number, options.reason, settings));
            return 0;
        }
    }

    /** {@code segpipe registry rollback}. */
    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Point production back at the version it pointed to before the current one; repeated "
                    + "rollbacks walk back through the promotions.")
    static final class Rollback implements Callable<Integer> {
        @Mixin
        Target target;
        @Mixin
        ChangeOptions options;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            LockSettings settings = options.lockSettings();
            printChange(spec.commandLine().getOut(), RegistryAdmin.rollback(target.open(), options.reason, settings));
            return 0;
        }
    }

    static void printListing(PrintWriter out, RegistryAdmin.Listing listing) {
        out.println("registry " + listing.registry());
        ProductionPointer p = listing.production();
        out.println(p == null ? "production: none"
                : "production: " + ModelRegistry.versionName(p.version()) + " since " + p.promotedAt() + " (" + p.runId()
                        + ": " + p.reason() + ")");
        if (listing.versions().isEmpty()) {
            out.println("no versions");
            return;
        }
        Set<String> metrics = new LinkedHashSet<>();
        listing.versions().forEach(v -> metrics.addAll(v.metrics().keySet()));
        List<String> header = new ArrayList<>(List.of("version", "prod", "registered", "run", "warm start", "split"));
        header.addAll(metrics);
        header.add("dataset");
        TextTable table = new TextTable(header);
        for (RegistryAdmin.VersionRow v : listing.versions()) {
            List<String> row = new ArrayList<>(List.of(v.name(), v.production() ? "*" : "", v.createdAt(), v.runId(),
                    v.warmStartFrom() == null ? "-" : ModelRegistry.versionName(v.warmStartFrom()), v.evalSplit()));
            metrics.forEach(m -> row.add(ratio(v.metrics().get(m))));
            row.add(v.dataset());
            table.add(row);
        }
        table.print(out);
    }

    static void printDetails(PrintWriter out, RegistryAdmin.VersionDetails d) {
        out.println(d.info().name() + " of registry " + d.registry() + (d.production() ? " (production)" : ""));
        TextTable t = new TextTable(List.of("", ""));
        t.add(List.of("path", d.path()));
        t.add(List.of("registered", d.info().createdAt() + " by run " + d.info().runId()));
        t.add(List.of("model check", d.modelCheck()));
        t.add(List.of("model", d.architecture() + ", " + d.numClasses() + " classes " + d.classes() + ", "
                + d.inputChannels() + "-channel input"));
        t.add(List.of("trained on", d.info().details().dataset() + (d.info().details().warmStartFrom() == null
                ? " from scratch" : ", warm start from " + ModelRegistry.versionName(d.info().details().warmStartFrom()))));
        t.add(List.of("training", String.format(Locale.ROOT, "seed %d, %d epochs, model of epoch %d%s, finished %s",
                d.training().seed(), d.training().epochs(), d.training().modelEpoch(),
                d.training().modelValMeanIoU() == null ? "" : " (val mIoU " + ratio(d.training().modelValMeanIoU()) + ")",
                d.training().finishedAt())));
        StringBuilder metrics = new StringBuilder();
        d.info().details().metrics().forEach((k, v) -> metrics.append(metrics.isEmpty() ? "" : ", ").append(k)
                .append(' ').append(ratio(v)));
        t.add(List.of("metrics (" + d.info().details().evalSplit() + ")", metrics.toString()));
        InferenceDefaults inference = d.inferenceDefaults();
        t.add(List.of("applied with", inference == null
                ? "not recorded (written by an earlier segpipe): jobs assume normalization "
                        + InputSettings.describe(InferenceDefaults.UNRECORDED.normalization()) + ", inputScale 1.0"
                : "normalization " + InputSettings.describe(inference.normalization()) + ", inputScale "
                        + inference.inputScale() + ", inference " + inference.inference().describe()));
        t.add(List.of("model sha256", String.valueOf(d.info().modelSha256())));
        t.print(out, false);
        if (!d.history().isEmpty()) {
            out.println("history");
            TextTable h = new TextTable(List.of("finished", "run", "action", "outcome", "production", "reason"));
            for (HistoryRecord r : d.history()) {
                h.add(List.of(r.finishedAt(), r.runId(), r.action().name(), r.outcome().name(),
                        (r.championVersion() == null ? "none" : ModelRegistry.versionName(r.championVersion())) + " -> "
                                + (r.productionAfter() == null ? "none" : ModelRegistry.versionName(r.productionAfter())),
                        r.reason()));
            }
            h.print(out);
        }
    }

    static void printChange(PrintWriter out, RegistryAdmin.Change c) {
        if (!c.changed()) {
            out.println(ModelRegistry.versionName(c.after()) + " already is production of " + c.registry()
                    + "; nothing changed");
        } else {
            out.println((c.action() == HistoryRecord.Action.ROLLBACK ? "rolled back" : "promoted") + ": production of "
                    + c.registry() + " is now " + ModelRegistry.versionName(c.after()) + " (was "
                    + (c.before() == null ? "none" : ModelRegistry.versionName(c.before())) + ")");
            out.println("history: " + c.historyFile());
        }
        out.flush();
    }

    private static String ratio(Double v) {
        return v == null ? "-" : Summaries.ratio(v);
    }

    /** Left-aligned columns separated by two spaces. */
    static final class TextTable {
        private final List<String> header;
        private final List<List<String>> rows = new ArrayList<>();

        TextTable(List<String> header) {
            this.header = header;
        }

        void add(List<String> row) {
            rows.add(row);
        }

        void print(PrintWriter out) {
            print(out, true);
        }

        void print(PrintWriter out, boolean withHeader) {
            int[] width = new int[header.size()];
            List<List<String>> all = new ArrayList<>(rows);
            if (withHeader) {
                all.add(0, header);
            }
            for (List<String> row : all) {
                for (int i = 0; i < row.size(); i++) {
                    width[i] = Math.max(width[i], row.get(i).length());
                }
            }
            for (List<String> row : all) {
                StringBuilder line = new StringBuilder(withHeader ? "" : "  ");
                for (int i = 0; i < row.size(); i++) {
                    line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + width[i] + "s  ", row.get(i)));
                }
                out.println(line.toString().stripTrailing());
            }
        }
    }
}
