package io.segpipe.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The spark-submit command line deploy/submit.sh builds for each cluster manager and deploy mode,
 * read from a stand-in spark-submit that prints its arguments (the cluster ITs run the real one
 * for standalone and YARN; no Kubernetes cluster is available here).
 */
class SubmitScriptTest {
    @TempDir
    Path dir;

    private List<String> submit(String... args) throws Exception {
        Path fake = dir.resolve("spark-submit");
        Files.writeString(fake, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\"\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path home = Path.of(System.getProperty("segpipe.home"));
        List<String> cmd = new ArrayList<>(List.of("bash", home.resolve("deploy/submit.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPARK_SUBMIT", fake.toString());
        pb.environment().put("SEGPIPE_JAR", "local:///opt/segpipe/segpipe-app.jar");
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "submit.sh did not finish");
        List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, p.exitValue(), String.join("\n", out));
        return out;
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
        List<String> args = submit("--master", "yarn", "--deploy-mode", "cluster", "--files", "conf/eval.conf",
                "--files=extra.conf", "--", "eval", "--conf", "conf/eval.conf");
        String files = value(args, "--files");
        assertTrue(files.endsWith("conf/log4j2.properties,conf/eval.conf,extra.conf"), files);
        assertTrue(conf(args, "spark.driver.extraJavaOptions").endsWith("-Dlog4j2.configurationFile=log4j2.properties"),
                args.toString());
        assertEquals(List.of("local:///opt/segpipe/segpipe-app.jar", "eval", "--conf", "conf/eval.conf"),
                args.subList(args.size() - 4, args.size()));
    }

    @Test
    void standaloneClusterModeLeavesTheDriversLoggingToSpark() throws Exception {
        List<String> args = submit("--master", "spark://m:7077", "--deploy-mode", "cluster", "--", "env");
        assertFalse(conf(args, "spark.driver.extraJavaOptions").contains("log4j2.configurationFile"), args.toString());
        assertTrue(conf(args, "spark.executor.extraJavaOptions").endsWith("-Dlog4j2.configurationFile=log4j2.properties"));
        assertTrue(value(args, "--files").endsWith("conf/log4j2.properties"), args.toString());
    }

    @Test
    void clientModeDriverReadsTheLogConfigurationFromThisMachine() throws Exception {
        List<String> args = submit("--master", "spark://m:7077", "--", "env");
        String driver = conf(args, "spark.driver.extraJavaOptions");
        assertTrue(driver.endsWith("/conf/log4j2.properties") && driver.contains("-Dlog4j2.configurationFile=/"), driver);
    }

    @Test
    void kubernetesUsesTheImagesConfigurationAndShipsNothingLocal() throws Exception {
        List<String> args = submit("--master", "k8s://https://api:6443", "--deploy-mode", "cluster", "--", "env");
        assertFalse(args.contains("--files"), "a local --files needs spark.kubernetes.file.upload.path: " + args);
        for (String side : List.of("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions")) {
            assertTrue(conf(args, side).endsWith("-Dlog4j2.configurationFile=/opt/segpipe/conf/log4j2.properties"),
                    side + ": " + args);
        }
        assertFalse(conf(args, "spark.kubernetes.driverEnv.MALLOC_ARENA_MAX").isBlank(), "malloc settings for the driver pod");
    }

    @Test
    void userFilesOnKubernetesArePassedOnAlone() throws Exception {
        List<String> args = submit("--master=k8s://https://api:6443", "--deploy-mode", "cluster",
                "--files", "s3a://conf/score.conf", "--", "score", "--conf", "score.conf");
        assertEquals("s3a://conf/score.conf", value(args, "--files"));
    }
}
