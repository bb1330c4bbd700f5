package io.segpipe.jobs.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.spark.SparkConf;

/**
 * Gives the driver of a Spark standalone cluster with authentication on the cluster's shared
 * secret without any command line showing it. Spark reads the secret of a standalone application
 * only from {@code spark.authenticate.secret} in the driver's configuration (its secret-file
 * settings are for Kubernetes only), and passed as {@code --conf} or {@code -D} it would be in the
 * arguments {@code ps} lists. So {@code deploy/submit.sh} passes {@code spark.authenticate=true}
 * and leaves the secret in the environment, which only the same user (and root) can read: either
 * the file named by {@value #FILE_ENV} or the value of {@value #VALUE_ENV}; this class puts it into
 * the configuration inside the driver JVM. Executors get it from their Worker, which holds the
 * same secret. YARN and Kubernetes make a secret per application themselves: nothing is read there.
 */
final class StandaloneSecret {
    /** Environment variable naming a file that holds the secret (trailing line breaks ignored). */
    static final String FILE_ENV = "SEGPIPE_SPARK_AUTH_SECRET_FILE";
    /** Environment variable holding the secret itself. */
    static final String VALUE_ENV = "SEGPIPE_SPARK_AUTH_SECRET";
    static final String AUTHENTICATE = "spark.authenticate";
    static final String SECRET = "spark.authenticate.secret";

    private StandaloneSecret() {
    }

    /**
     * Sets {@code spark.authenticate.secret} from {@code env} when authentication is on, the master
     * is standalone ({@code spark://}) and no secret is configured.
     *
     * @throws UserException when the secret is needed but not given, unreadable or empty
     */
    static void apply(SparkConf conf, Map<String, String> env) {
        if (!conf.getBoolean(AUTHENTICATE, false) || conf.contains(SECRET)
                || !conf.get("spark.master", "").startsWith("spark://")) {
            return;
        }
        String secret;
        String source;
        if (env.get(FILE_ENV) != null) {
            source = "the file " + env.get(FILE_ENV) + " (" + FILE_ENV + ")";
            try {
                secret = Files.readString(Path.of(env.get(FILE_ENV)), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UserException("cannot read the Spark authentication secret from " + source + ": " + e, e);
            }
        } else if (env.get(VALUE_ENV) != null) {
            source = "the environment variable " + VALUE_ENV;
            secret = env.get(VALUE_ENV).strip();
        } else {
            throw new UserException(AUTHENTICATE + " is on for the standalone master " + conf.get("spark.master")
                    + " but no secret is given: set " + FILE_ENV + " (a file only you can read) or " + VALUE_ENV
                    + " (deploy/README.md, \"Authentication\")");
        }
        if (secret.isEmpty()) {
            throw new UserException("the Spark authentication secret from " + source + " is empty");
        }
        conf.set(SECRET, secret);
    }
}
