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
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code deploy/submit.sh} hands spark-submit (a stand-in that records its arguments and the
 * environment it got): the UI kill links off unless turned on, and authentication when a secret is
 * given, with the secret itself in no argument.
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

    private Submitted submit(Map<String, String> env, String... sparkArgs) throws Exception {
        Path home = Path.of(System.getProperty("segpipe.home", "..")).toAbsolutePath().normalize();
        List<String> cmd = new ArrayList<>(List.of("bash", home.resolve("deploy/submit.sh").toString()));
        cmd.addAll(List.of(sparkArgs));
        cmd.addAll(List.of("--", "env"));
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
}
