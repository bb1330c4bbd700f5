package io.segpipe.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code deploy/submit.sh} hands spark-submit (a stand-in that records its arguments and the
 * environment it got) for each cluster manager and deploy mode: the files it ships and where each
 * JVM finds the log configuration, the UI kill links off unless turned on, and authentication when
 * a secret is given, with the secret itself in no argument. (The cluster ITs run the real
 * spark-submit for standalone and YARN; no Kubernetes cluster is available here.)
 */
class SubmitScriptTest {
    private static final String SECRET = "s3cr3t-not-for-ps";

    @TempDir
    Path dir;
    private Path secretFile;

    /** What one run of the script did. */
    private record Submitted(int exitCode, List<String> args, String env, String stderr) {
        boolean hasConf(String keyValue) {
            for (int i = 0; i + 1 < args.size(); i++) {
                if (args.get(i).equals("--conf") && args.get(i + 1).equals(keyValue)) {
                    return true;
                }
            }
            return false;
        }
    }

    @BeforeEach
    void files() throws IOException {
        Path fake = dir.resolve("spark-submit");
        Files.writeString(fake, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > \"" + dir.resolve("args") + "\"\n"
                + "env | grep '^SEGPIPE_SPARK_AUTH' > \"" + dir.resolve("env") + "\" || true\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(dir.resolve("app.jar"), "not a jar: the stand-in never opens it");
        secretFile = Files.writeString(dir.resolve("secret"), SECRET + "\n");
        Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
    }

    /** deploy/submit.sh with {@code sparkArgs} and the segpipe command {@code env}. */
    private Submitted submit(Map<String, String> env, String... sparkArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of(sparkArgs));
        args.addAll(List.of("--", "env"));
        return run(env, args);
    }

    /** The spark-submit arguments of a successful deploy/submit.sh {@code args}. */
    private List<String> submitted(String... args) throws Exception {
        Submitted s = run(Map.of(), List.of(args));
        assertEquals(0, s.exitCode(), s.stderr());
        return s.args();
    }

    private Submitted run(Map<String, String> env, List<String> scriptArgs) throws Exception {
        Path home = Path.of(System.getProperty("segpipe.home", "..")).toAbsolutePath().normalize();
        List<String> cmd = new ArrayList<>(List.of("bash", home.resolve("deploy/submit.sh").toString()));
        cmd.addAll(scriptArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().removeIf(k -> k.startsWith("SEGPIPE_"));
        pb.environment().put("SPARK_SUBMIT", dir.resolve("spark-submit").toString());
        pb.environment().put("SEGPIPE_JAR", dir.resolve("app.jar").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        Path args = dir.resolve("args");
        List<String> recorded = Files.exists(args) ? Files.readAllLines(args) : List.of();
        String seenEnv = Files.exists(dir.resolve("env")) ? Files.readString(dir.resolve("env")) : "";
        Files.deleteIfExists(args);
        Files.deleteIfExists(dir.resolve("env"));
        return new Submitted(p.exitValue(), recorded, seenEnv, stderr);
    }

    @Test
    void theUiKillLinksAreOffAndTheUsersSettingComesLater() throws Exception {
        Submitted s = submit(Map.of(), "--master", "spark://h:7077", "--conf", "spark.ui.killEnabled=true");
        assertEquals(0, s.exitCode(), s.stderr());
        int off = s.args().indexOf("spark.ui.killEnabled=false");
        int on = s.args().indexOf("spark.ui.killEnabled=true");
        assertTrue(off >= 0 && on > off, "spark-submit takes the later value: " + s.args());
        assertFalse(s.hasConf("spark.authenticate=true"), "no secret, no authentication: " + s.args());
    }

    @Test
    void jemallocGoesToEveryJvmWhenChosenAndNowhereWithGlibc() throws Exception {
        Properties jvm = new Properties();
        try (var in = Files.newBufferedReader(Path.of("../conf/jvm.properties"))) {
            jvm.load(in);
        }
        String library = jvm.getProperty("malloc.jemalloc.library");
        String conf = jvm.getProperty("malloc.jemalloc.conf");
        Submitted chosen = submit(Map.of("SEGPIPE_MALLOC", "jemalloc"), "--master", "yarn", "--deploy-mode", "cluster");
        assertEquals(0, chosen.exitCode(), chosen.stderr());
        for (String side : List.of("spark.executorEnv.", "spark.yarn.appMasterEnv.", "spark.kubernetes.driverEnv.")) {
            assertTrue(chosen.hasConf(side + "LD_PRELOAD=" + library) && chosen.hasConf(side + "MALLOC_CONF=" + conf),
                    side + ": " + chosen.args());
        }
        Submitted glibc = submit(Map.of("SEGPIPE_MALLOC", "glibc"), "--master", "yarn");
        assertEquals(0, glibc.exitCode(), glibc.stderr());
        assertFalse(String.join(" ", glibc.args()).contains("LD_PRELOAD"), glibc.args().toString());
        Submitted bogus = submit(Map.of("SEGPIPE_MALLOC", "tcmalloc"), "--master", "yarn");
        assertEquals(2, bogus.exitCode());
        assertTrue(bogus.stderr().contains("SEGPIPE_MALLOC must be auto, jemalloc or glibc, found 'tcmalloc'"), bogus.stderr());
    }

    @Test
    void aStandaloneSecretTurnsAuthenticationOnAndStaysOffTheCommandLine() throws Exception {
        for (Map<String, String> env : List.of(Map.of("SEGPIPE_SPARK_AUTH_SECRET_FILE", secretFile.toString()),
                Map.of("SEGPIPE_SPARK_AUTH_SECRET", SECRET))) {
            Submitted s = submit(env, "--master", "spark://h:7077");
            assertEquals(0, s.exitCode(), s.stderr());
            assertTrue(s.hasConf("spark.authenticate=true"), s.args().toString());
            assertFalse(String.join(" ", s.args()).contains(SECRET), "the secret in an argument: " + s.args());
            assertTrue(s.env().contains("SEGPIPE_SPARK_AUTH_SECRET"), "the driver finds it in its environment: " + env);
        }
    }

    @Test
    void kubernetesReadsTheSecretFromTheMountedFile() throws Exception {
        Submitted s = submit(Map.of("SEGPIPE_SPARK_AUTH_SECRET_FILE", "/etc/segpipe/secret"),
                "--master", "k8s://https://api:6443", "--deploy-mode", "cluster");
        assertEquals(0, s.exitCode(), s.stderr());
        assertTrue(s.hasConf("spark.authenticate=true")
                && s.hasConf("spark.authenticate.secret.driver.file=/etc/segpipe/secret")
                && s.hasConf("spark.authenticate.secret.executor.file=/etc/segpipe/secret"), s.args().toString());
    }

    @Test
    void unsafeOrUnusableSecretsAreRefusedBeforeSubmitting() throws Exception {
        Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-r--r--"));
        Submitted readable = submit(Map.of("SEGPIPE_SPARK_AUTH_SECRET_FILE", secretFile.toString()),
                "--master", "spark://h:7077");
        assertEquals(2, readable.exitCode());
        assertEquals("deploy/submit.sh: " + secretFile + " can be read by other users (mode 644): chmod 600 it",
                readable.stderr().strip());
        assertEquals(List.of(), readable.args(), "nothing submitted");

        Submitted cluster = submit(Map.of("SEGPIPE_SPARK_AUTH_SECRET", SECRET), "--master", "spark://h:7077",
                "--deploy-mode", "cluster");
        assertEquals(2, cluster.exitCode());
        assertTrue(cluster.stderr().contains("in client mode"), cluster.stderr());

        Submitted yarn = submit(Map.of("SEGPIPE_SPARK_AUTH_SECRET", SECRET), "--master", "yarn");
        assertEquals(0, yarn.exitCode(), yarn.stderr());
        assertTrue(yarn.hasConf("spark.authenticate=true"), yarn.args().toString());
        assertTrue(yarn.stderr().contains("yarn makes its own secret per application"), yarn.stderr());
    }

    private static String value(List<String> args, String option) {
        int i = args.lastIndexOf(option);
        assertTrue(i >= 0 && i + 1 < args.size(), option + " missing: " + args);
        assertEquals(i, args.indexOf(option), option + " given twice (spark-submit keeps only the last): " + args);
        return args.get(i + 1);
    }

    private static String conf(List<String> args, String key) {
        return args.stream().filter(a -> a.startsWith(key + "=")).reduce((a, b) -> b)
                .map(a -> a.substring(key.length() + 1)).orElseThrow(() -> new AssertionError(key + " missing: " + args));
    }

    @Test
    void yarnClusterModeShipsTheUsersFilesWithTheLogConfiguration() throws Exception {
        List<String> args = submitted("--master", "yarn", "--deploy-mode", "cluster", "--files", "conf/eval.conf",
                "--files=extra.conf", "--", "eval", "--conf", "conf/eval.conf");
        String files = value(args, "--files");
        assertTrue(files.endsWith("conf/log4j2.properties,conf/eval.conf,extra.conf"), files);
        assertTrue(conf(args, "spark.driver.extraJavaOptions").endsWith("-Dlog4j2.configurationFile=log4j2.properties"),
                args.toString());
        assertEquals(List.of(dir.resolve("app.jar").toString(), "eval", "--conf", "conf/eval.conf"),
                args.subList(args.size() - 4, args.size()));
    }

    @Test
    void standaloneClusterModeLeavesTheDriversLoggingToSpark() throws Exception {
        List<String> args = submitted("--master", "spark://m:7077", "--deploy-mode", "cluster", "--", "env");
        assertFalse(conf(args, "spark.driver.extraJavaOptions").contains("log4j2.configurationFile"), args.toString());
        assertTrue(conf(args, "spark.executor.extraJavaOptions").endsWith("-Dlog4j2.configurationFile=log4j2.properties"));
        assertTrue(value(args, "--files").endsWith("conf/log4j2.properties"), args.toString());
    }

    @Test
    void clientModeDriverReadsTheLogConfigurationFromThisMachine() throws Exception {
        List<String> args = submitted("--master", "spark://m:7077", "--", "env");
        String driver = conf(args, "spark.driver.extraJavaOptions");
        assertTrue(driver.endsWith("/conf/log4j2.properties") && driver.contains("-Dlog4j2.configurationFile=/"), driver);
    }

    @Test
    void kubernetesUsesTheImagesConfigurationAndShipsNothingLocal() throws Exception {
        List<String> args = submitted("--master", "k8s://https://api:6443", "--deploy-mode", "cluster", "--", "env");
        assertFalse(args.contains("--files"), "a local --files needs spark.kubernetes.file.upload.path: " + args);
        for (String side : List.of("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions")) {
            assertTrue(conf(args, side).endsWith("-Dlog4j2.configurationFile=/opt/segpipe/conf/log4j2.properties"),
                    side + ": " + args);
        }
        assertFalse(conf(args, "spark.kubernetes.driverEnv.MALLOC_ARENA_MAX").isBlank(), "malloc settings for the driver pod");
    }

    @Test
    void userFilesOnKubernetesArePassedOnAlone() throws Exception {
        List<String> args = submitted("--master=k8s://https://api:6443", "--deploy-mode", "cluster",
                "--files", "s3a://conf/score.conf", "--", "score", "--conf", "score.conf");
        assertEquals("s3a://conf/score.conf", value(args, "--files"));
    }
}
