package io.segpipe.jobs.cli;

import java.util.Map;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The one place segpipe's commands start Spark. */
final class SparkSessions {

    private SparkSessions() {
    }

    /**
     * A session for {@code appName}. Under spark-submit the master and settings come from it;
     * otherwise {@code master} or {@code local[<cores>]}.
     */
    static SparkSession start(String appName, String master) {
        JavaRuntime.requireSparkFlags();
        return SparkSession.builder().config(conf(new SparkConf(), appName, master, System.getenv())).getOrCreate();
    }

    /**
     * The settings segpipe starts Spark with: {@code base} (under spark-submit, its settings), the
     * app name (unless the user named the application, see {@link #named}), the master ({@code master}, else the configured one, else {@code local[<cores>]}),
     * and segpipe's defaults where {@code base} has none. The Spark UI's kill links are off: anyone
     * who reaches the UI port could otherwise stop the run's jobs and stages
     * ({@code spark.ui.killEnabled=true} turns them back on). A standalone cluster's authentication
     * secret is taken from {@code env} ({@link StandaloneSecret}).
     */
    static SparkConf conf(SparkConf base, String appName, String master, Map<String, String> env) {
        SparkConf conf = named(base, appName);
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[" + Runtime.getRuntime().availableProcessors() + "]");
        }
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        conf.setIfMissing("spark.ui.killEnabled", "false");
        if (conf.get("spark.master").startsWith("local")) {
            // a local run talks to itself only: keep Spark's driver and block manager on loopback
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        StandaloneSecret.apply(conf, env);
        return conf;
    }

    /**
     * {@code conf} with {@code appName} unless the user named the application: spark-submit's
     * {@code --name} (or {@code --conf spark.app.name=...}) wins. spark-submit sets the main class
     * as the name when none is given; that is no name a user chose.
     */
    static SparkConf named(SparkConf conf, String appName) {
        String given = conf.get("spark.app.name", "");
        if (given.isBlank() || given.equals(Segpipe.class.getName())) {
            conf.setAppName(appName);
        }
        return conf;
    }
}
