package io.segpipe.jobs.cli;

/** Checks of the JVM segpipe runs in, made before any work. */
final class JavaRuntime {

    private JavaRuntime() {
    }

    /**
     * Spark on Java 17 needs the {@code --add-opens} list of conf/jvm.properties; without
     * it, it fails deep inside with "cannot access class sun.nio.ch.DirectBuffer".
     */
    static void requireSparkFlags() {
        boolean opened = Object.class.getModule().isOpen("sun.nio.ch", JavaRuntime.class.getModule());
        if (!opened) {
            throw new UserException("this JVM lacks the Java 17 flags Spark needs (--add-opens=java.base/sun.nio.ch="
                    + "ALL-UNNAMED and the rest of conf/jvm.properties). Start segpipe with bin/segpipe, or "
                    + "with deploy/submit.sh for spark-submit, which add them.");
        }
    }
}
