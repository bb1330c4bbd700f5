package io.segpipe.prep.testkit;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@code local[2]} SparkSession per test JVM, stopped when the whole test run ends. Starting
 * Spark costs seconds, so test classes share it: annotate the class with
 * {@code @ExtendWith(LocalSpark.class)} and call {@link #session()}.
 */
public final class LocalSpark implements BeforeAllCallback {

    private static SparkSession session;

    /** The shared session, created on first use. */
    public static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .appName("segpipe-test")
                    .master("local[2]")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.default.parallelism", "2")
                    // Test data is tiny: do not let Spark reserve half the heap for caching.
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .getOrCreate();
        }
        return session;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(LocalSpark.class.getName(), k -> new Stopper(), Stopper.class);
    }

    /** Stops the session when JUnit closes the root store, at the end of the test run. */
    private static final class Stopper implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            synchronized (LocalSpark.class) {
                if (session != null) {
                    session.stop();
                    session = null;
                }
            }
        }
    }
}
