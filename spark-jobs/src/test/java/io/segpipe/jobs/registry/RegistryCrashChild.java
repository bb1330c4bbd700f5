package io.segpipe.jobs.registry;

import java.time.Duration;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A registry writer that {@link RegistryCrashTest} kills with SIGKILL in the middle of its work.
 * Arguments: {@code <root> promote-loop} (flips the pointer between v000001 and v000002 forever) or
 * {@code <root> register <stagedModelDir>} (registers the directory, then waits to be killed before
 * promoting it).
 */
public final class RegistryCrashChild {

    private RegistryCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        ModelRegistry registry = ModelRegistry.open(args[0], new Configuration());
        RegistryLock lock = registry.lock("child", LockSettings.staleAfter(Duration.ofMinutes(10)));
        System.out.println("LOCKED " + ProcessHandle.current().pid());
        System.out.flush();
        switch (args[1]) {
            case "promote-loop" -> {
                for (long i = 0; ; i++) {
                    registry.promote(lock, (int) (1 + i % 2), "flip " + i);
                    if (i == 20) {
                        System.out.println("FLIPPING");
                        System.out.flush();
                    }
                }
            }
            case "register" -> {
                VersionInfo v = registry.register(lock, new Path(args[2]), RegistryFixtures.details(0.99));
                System.out.println("REGISTERED " + v.version());
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE); // killed here, before promoting
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[1]);
        }
    }
}
