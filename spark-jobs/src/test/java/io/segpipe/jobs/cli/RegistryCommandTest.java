package io.segpipe.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.registry.HistoryRecord;
import io.segpipe.jobs.registry.LockSettings;
import io.segpipe.jobs.registry.ModelRegistry;
import io.segpipe.jobs.registry.RegistryAdmin;
import io.segpipe.jobs.registry.RegistryFixtures;
import io.segpipe.jobs.registry.RegistryLock;
import io.segpipe.prep.Json;

/** {@code segpipe registry}: each command's output for people and programs, and each bad input in one line. */
class RegistryCommandTest {

    @TempDir
    Path tmp;
    private Path root;
    private ModelRegistry registry;

    /** What a command printed and returned. */
    record Run(int exitCode, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Segpipe.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    private Run registry(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "registry";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--registry";
        all[args.length + 2] = root.toString();
        return run(all);
    }

    /** A failure: the documented exit code and one line, without a stack trace. */
    private static String oneLineError(Run run, ExitCode expected) {
        assertEquals(expected.code(), run.exitCode(), run.out() + run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        return run.err().strip();
    }

    /** {@code text} has the two-column row {@code key  value}. */
    private static void assertRow(String text, String key, String value) {
        assertTrue(text.lines().anyMatch(l -> l.matches("  " + Pattern.quote(key) + " +" + Pattern.quote(value))),
                key + " " + value + " in\n" + text);
    }

    @BeforeEach
    void setUp() throws IOException {
        root = tmp.resolve("registry");
        registry = RegistryFixtures.registry(root, null, 3, 2);
    }

    @Test
    void listPrintsATableAndJson() throws IOException {
        Run table = registry("list");
        assertEquals(0, table.exitCode(), table.err());
        List<String> lines = table.out().lines().toList();
        assertEquals("registry " + registry.root(), lines.get(0));
        assertTrue(lines.get(1).startsWith("production: v000002 since "), lines.get(1));
        assertTrue(lines.get(2).matches("version +prod +registered +run +warm start +split +meanIoU +dataset"),
                lines.get(2));
        assertTrue(lines.get(3).matches("v000001 +\\S+ +setup +- +val +0\\.5100 +file:/data"), lines.get(3));
        assertTrue(lines.get(4).matches("v000002 +\\* +\\S+ +setup +- +val +0\\.5200 +file:/data"), lines.get(4));
        assertEquals(6, lines.size(), table.out());

        Run json = registry("list", "--json");
        assertEquals(0, json.exitCode(), json.err());
        assertEquals(RegistryAdmin.list(registry), Json.read(json.out(), RegistryAdmin.Listing.class));
    }

    @Test
    void showPrintsOneVersionAndJson() throws IOException {
        Run promoted = registry("promote", "v3", "--reason", "better at night");
        assertEquals(0, promoted.exitCode(), promoted.err());
        Run text = registry("show", "3");
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().startsWith("v000003 of registry " + registry.root() + " (production)\n"), text.out());
        assertRow(text.out(), "path", registry.versionPath(3));
        assertRow(text.out(), "model check", "verified");
        assertRow(text.out(), "model", "UNET, 4 classes [background, disc, square, triangle], 3-channel input");
        assertRow(text.out(), "applied with", "not recorded (written by an earlier segpipe): jobs assume normalization "
                + "{scale 0.00392157, mean [0.0], std [1.0]}, inputScale 1.0");
        assertTrue(text.out().contains("\nhistory\n"), text.out());
        assertTrue(text.out().lines().anyMatch(l -> l.matches(".*promote-\\w+ +PROMOTE +PROMOTED +v000002 -> v000003 "
                + "+better at night")), text.out());

        Run json = registry("show", "v000003", "--json");
        assertEquals(0, json.exitCode(), json.err());
        RegistryAdmin.VersionDetails details = Json.read(json.out(), RegistryAdmin.VersionDetails.class);
        assertEquals(RegistryAdmin.show(registry, 3), details);
        assertEquals(HistoryRecord.Action.PROMOTE, details.history().get(0).action());
    }

    @Test
    void promoteAndRollbackMoveProductionAndSaySo() throws IOException {
        Run promote = registry("promote", "v3");
        assertEquals(0, promote.exitCode(), promote.err());
        assertTrue(promote.out().startsWith("promoted: production of " + registry.root() + " is now v000003 (was "
                + "v000002)\nhistory: "), promote.out());
        Run same = registry("promote", "3");
        assertEquals("v000003 already is production of " + registry.root() + "; nothing changed", same.out().strip());

        assertTrue(registry("rollback").out().startsWith("rolled back: production of " + registry.root()
                + " is now v000002 (was v000003)"));
        assertTrue(registry("rollback", "--reason", "v2 too").out().contains("is now v000001 (was v000002)"));
        assertEquals("segpipe: cannot roll back registry " + registry.root() + ": production v000001 was its first "
                + "production version; promote the version you want instead", oneLineError(registry("rollback"), ExitCode.RUNTIME));
        assertEquals(1, registry.production().orElseThrow().version());
        assertEquals(List.of(HistoryRecord.Action.PROMOTE, HistoryRecord.Action.ROLLBACK, HistoryRecord.Action.ROLLBACK),
                registry.history().stream().map(HistoryRecord::action).toList());
        assertEquals("v2 too", registry.history().get(2).reason());
    }

    @Test
    void badInputsAreRefusedInOneLine() throws IOException {
        assertEquals("segpipe: registry " + registry.root() + " has no version v000009; it has v000001, v000002, "
                + "v000003 (production v000002)", oneLineError(registry("show", "v9"), ExitCode.BAD_INPUT));
        assertEquals("segpipe: registry " + registry.root() + " has no version v000009; it has v000001, v000002, "
                + "v000003 (production v000002)", oneLineError(registry("promote", "v9"), ExitCode.BAD_INPUT));
        assertEquals("segpipe: a registry version is v<N> or <N> with N >= 1 (e.g. v3 or 3), found \"latest\"",
                oneLineError(registry("promote", "latest"), ExitCode.BAD_INPUT));
        assertEquals("segpipe: --lock-timeout must be >= 10 seconds, found 5",
                oneLineError(registry("promote", "v3", "--lock-timeout", "5"), ExitCode.USAGE));
        Path none = tmp.resolve("none");
        assertTrue(oneLineError(run("registry", "list", "--registry", none.toString()), ExitCode.BAD_INPUT)
                .startsWith("segpipe: no model registry at file:" + none + " (no registry.json"));

        try (RegistryLock held = registry.lock("nightly", LockSettings.staleAfter(Duration.ofMinutes(10)))) {
            String locked = oneLineError(registry("promote", "v3"), ExitCode.LOCKED);
            assertTrue(locked.startsWith("segpipe: registry " + registry.root() + " is locked by run nightly"), locked);
        }
        RegistryFixtures.replaceModel(root, 3);
        String replaced = oneLineError(registry("promote", "v3"), ExitCode.BAD_INPUT);
        assertTrue(replaced.contains("version v000003") && replaced.contains("replaced after registration"), replaced);
        Run shown = registry("show", "v3");
        assertEquals(0, shown.exitCode(), "a replaced version can still be shown");
        assertTrue(shown.out().lines().anyMatch(l -> l.matches("  model check +registry .*replaced after registration.*")),
                shown.out());
        assertEquals(2, registry.production().orElseThrow().version(), "nothing changed");
        assertEquals(List.of(), registry.history());

        Run noVersion = registry("promote");
        assertEquals(2, noVersion.exitCode());
        assertTrue(noVersion.err().startsWith("Missing required parameter: 'VERSION'"), noVersion.err());
        Run noRegistry = run("registry", "list");
        assertEquals(2, noRegistry.exitCode());
        assertTrue(noRegistry.err().startsWith("Missing required option: '--registry=ROOT'"), noRegistry.err());
        Run noSubcommand = run("registry");
        assertEquals(2, noSubcommand.exitCode());
        assertTrue(noSubcommand.err().startsWith("Missing subcommand: one of list, show, promote, rollback"),
                noSubcommand.err());
    }
}
