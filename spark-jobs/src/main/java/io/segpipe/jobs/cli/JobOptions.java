package io.segpipe.jobs.cli;

import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;

import picocli.CommandLine.Option;

/** The options every Spark job command shares: where its configuration comes from and where it runs. */
final class JobOptions {
    @Option(names = {"-c", "--conf"}, paramLabel = "PATH",
            description = "Job configuration (HOCON or JSON); keys and defaults are those of the job's config record, "
                    + "see --print-config and the files in conf/. Any Hadoop path (hdfs:///conf/train.conf); without a "
                    + "scheme a local file, or one of that name in the working directory (spark-submit --files). "
                    + "Includes are read relative to the including file.")
    String conf;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Override one configuration key (HOCON path, e.g. --set shardCount=16); repeatable, "
                    + "applied after --conf. A value starting with \" [ { or ${, a number, true, false or null is "
                    + "HOCON; anything else is taken as written: --set output=hdfs:///x --set images=/data/*.png.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master when not started by spark-submit (default: local[<cores>]).")
    String master;

    @Option(names = "--print-config",
            description = "Print the effective configuration (every key with its value or default) as JSON and exit; "
                    + "values taken from the model are filled in, and where each came from is noted on stderr.")
    boolean printConfig;

    <T> T load(Class<T> type, Configuration hadoop) {
        return ConfigLoader.load(type, conf, overrides, hadoop);
    }
}
