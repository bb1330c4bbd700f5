package io.segpipe.jobs.registry;

import static io.segpipe.jobs.registry.RegistryFixtures.stageAndRegister;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry writer killed with SIGKILL (a forked JVM, {@link RegistryCrashChild}) leaves a valid
 * pointer and a lock the next run breaks at once (its process is gone on this host), even though
 * the lock's timeout is ten minutes.
 */
class RegistryCrashTest {

    private static final LockSettings TEN_MINUTES = LockSettings.staleAfter(Duration.ofMinutes(10));

    @TempDir
    Path tmp;
    private ModelRegistry registry;
    private Path root;

    @BeforeEach
    void setUp() throws IOException {
        root = tmp.resolve("registry");
        registry = ModelRegistry.open(root.toString(), new Configuration());
        try (RegistryLock lock = registry.lock("setup", TEN_MINUTES)) {
            stageAndRegister(registry, lock, 0.5);
            stageAndRegister(registry, lock, 0.6);
            registry.promote(lock, 1, "initial");
        }
    }

    /** Starts the child JVM and returns it once it printed a line starting with {@code until}. */
    private static Process start(String until, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports") || a.startsWith("-Dlog4j2"))
                .forEach(cmd::add);
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(RegistryCrashChild.class.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.startsWith(until)) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return p;
            }
        }
        throw new AssertionError("child exited with " + waitFor(p) + " before printing " + until + ":\n" + seen);
    }

    private static int waitFor(Process p) {
        try {
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child did not end");
            return p.exitValue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private void killAndCheckLockIsBrokenAtOnce(Process child) throws IOException {
        child.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no finally blocks
        assertEquals(137, waitFor(child), "killed by SIGKILL");
        LockInfo left = LockInfo.fromJson(Files.readString(root.resolve(ModelRegistry.LOCK)));
        assertEquals("child", left.runId());
        assertEquals(child.pid(), left.pid());
        try (RegistryLock next = registry.lock("after", TEN_MINUTES)) {
            assertEquals("child", next.brokenStaleLock().orElseThrow().runId());
        }
    }

    @Test
    void killedWhileFlippingThePointerLeavesAValidPointer() throws Exception {
        Process child = start("FLIPPING", root.toString(), "promote-loop");
        Thread.sleep(150);
        killAndCheckLockIsBrokenAtOnce(child);
        ProductionPointer p = registry.production().orElseThrow();
        assertTrue(p.version() == 1 || p.version() == 2, "pointer " + p);
        assertEquals("child", p.runId());
    }

    @Test
    void killedAfterRegisteringLeavesThePointerUnchanged() throws Exception {
        byte[] pointer = Files.readAllBytes(root.resolve(ModelRegistry.POINTER));
        Path staged = tmp.resolve("challenger");
        RegistryFixtures.modelDirectory(staged);
        Process child = start("REGISTERED", root.toString(), "register", staged.toString());
        killAndCheckLockIsBrokenAtOnce(child);
        assertArrayEquals(pointer, Files.readAllBytes(root.resolve(ModelRegistry.POINTER)));
        assertEquals(1, registry.production().orElseThrow().version());
        assertEquals(3, registry.latestVersion().getAsInt(), "registered before the kill, complete, not promoted");
        assertEquals("child", registry.version(3).orElseThrow().runId());
    }
}
