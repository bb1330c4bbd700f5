package io.segpipe.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.segpipe.it.fixture.ItEnv;
import io.segpipe.it.fixture.SparkStandaloneCluster;
import io.segpipe.it.fixture.SparkSubmission;
import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.synth.SyntheticConfig;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A standalone cluster with Spark's authentication on (its daemons read {@code spark.authenticate}
 * and the secret from a properties file): the Master refuses a driver without the secret, which
 * registers no application; {@code deploy/submit.sh} with {@code SEGPIPE_SPARK_AUTH_SECRET_FILE} runs the job, and no
 * process of the run (driver, executors, daemons) shows the secret in its command line.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class AuthenticatedClusterIT {
    /** What the Master logs when a client connects without Spark's authentication handshake. */
    private static final String SASL_REFUSAL = "Expected SaslMessage, received something else";

    @Test
    void onlyADriverWithTheClusterSecretRunsAndNoCommandLineShowsIt() throws Exception {
        Path run = ItEnv.newDir("authenticated-cluster");
        String secret = "segpipe-it-" + UUID.randomUUID();
        Path daemonSettings = privateFile(run.resolve("spark-daemons.properties"),
                "spark.authenticate=true\nspark.authenticate.secret=" + secret + "\n");
        Path secretFile = privateFile(run.resolve("secret"), secret + "\n");
        PairedFolders input = SyntheticDatasetGenerator.generate(SyntheticConfig.DEFAULT.withSamples(16).withSize(32, 32)
                .withSeed(3), run.resolve("input").toString(), new Configuration());

        try (SparkStandaloneCluster cluster = SparkStandaloneCluster.start(run.resolve("cluster"), 1, 2048,
                daemonSettings)) {
            Path masterLog = cluster.dir().resolve("master.log");
            assertTrue(!Files.readString(masterLog).contains(SASL_REFUSAL), "no refusal before the first submission");
            try (SparkSubmission.Running refused = SparkSubmission.to(cluster, run.resolve("without-secret"))
                    .start("prep", "--conf", prepConf(run, input, "refused"))) {
                // Spark's client would retry for a minute before giving up: the Master's refusal is the fact
                awaitText(masterLog, SASL_REFUSAL, Duration.ofMinutes(4), refused);
                JsonNode state = cluster.masterState();
                assertEquals(0, state.path("activeapps").size() + state.path("completedapps").size(),
                        "no application registered: " + state);
            }
            assertTrue(Files.notExists(run.resolve("refused/manifest.json")));

            Set<String> seen = new TreeSet<>();
            AtomicBoolean shown = new AtomicBoolean();
            SparkSubmission.Result ok;
            try (SparkSubmission.Running prep = SparkSubmission.to(cluster, run.resolve("with-secret"))
                    .env("SEGPIPE_SPARK_AUTH_SECRET_FILE", secretFile.toString())
                    .start("prep", "--conf", prepConf(run, input, "accepted"))) {
                while (prep.driver().isAlive()) {
                    sampleCommandLines(secret, seen, shown);
                    Thread.sleep(200);
                }
                ok = prep.await(Duration.ofSeconds(10));
            }
            assertEquals(0, ok.exitCode(), ok.describe());
            assertTrue(Files.exists(run.resolve("accepted/manifest.json")), "the job ran on the cluster");
            assertTrue(seen.contains("executor") && seen.contains("driver"), "command lines sampled: " + seen);
            assertTrue(!shown.get(), "a command line showed the secret");
            assertTrue(!ok.output().contains(secret), "the driver's output shows the secret");
        }
    }

    /** Waits until {@code file} contains {@code text}; fails when {@code driver} ends first or at the timeout. */
    private static void awaitText(Path file, String text, Duration timeout, SparkSubmission.Running driver)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.readString(file).contains(text)) {
            assertTrue(driver.driver().isAlive(), "the driver ended before the Master refused it:\n"
                    + driver.driver().tail(40));
            assertTrue(System.nanoTime() < deadline, "no '" + text + "' in " + file + " within " + timeout);
            Thread.sleep(200);
        }
    }

    /** Records which kinds of segpipe JVM were running, and whether any command line holds {@code secret}. */
    private static void sampleCommandLines(String secret, Set<String> seen, AtomicBoolean shown) {
        ProcessHandle.allProcesses().forEach(p -> {
            String cmd;
            try {
                cmd = new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
                        StandardCharsets.UTF_8).replace('\0', ' ');
            } catch (IOException e) {
                return; // ended meanwhile
            }
            if (cmd.contains(secret)) {
                shown.set(true);
            }
            if (cmd.contains("CoarseGrainedExecutorBackend")) {
                seen.add("executor");
            } else if (cmd.contains("org.apache.spark.deploy.SparkSubmit")) {
                seen.add("driver");
            }
        });
    }

    private static String prepConf(Path run, PairedFolders input, String output) {
        return PipelineConfigs.write(run, output + ".conf", PrepConfig.builder().input(input)
                .output(run.resolve(output).toString()).classes(SyntheticDatasetGenerator.classTable()).shardCount(2)
                .build().toJson());
    }

    private static Path privateFile(Path file, String content) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content);
        return file;
    }
}
