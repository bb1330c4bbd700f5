package io.segpipe.jobs.cli;

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
        SparkConf conf = named(new SparkConf(), appName);
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[" + Runtime.getRuntime().availableProcessors() + "]");
        }
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        if (conf.get("spark.master").startsWith("local")) {
            // a local run talks to itself only: keep Spark's driver and block manager on loopback
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        return SparkSession.builder().config(conf).getOrCreate();
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
