package io.segpipe.jobs.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Option;

/** The options every Spark job command shares: where its configuration comes from and where it runs. */
final class JobOptions {
    @Option(names = {"-c", "--conf"}, paramLabel = "FILE",
            description = "Job configuration (HOCON or JSON); keys and defaults are those of the job's config record, "
                    + "see --print-config and the files in conf/.")
    Path conf;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Override one configuration key (HOCON path, e.g. --set shardCount=16); repeatable, "
                    + "applied after --conf.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master when not started by spark-submit (default: local[<cores>]).")
    String master;

    @Option(names = "--print-config",
            description = "Print the effective configuration (every key with its value or default) as JSON and exit; "
                    + "values taken from the model are filled in, and where each came from is noted on stderr.")
    boolean printConfig;

    <T> T load(Class<T> type) {
        return ConfigLoader.load(type, conf, overrides);
    }
}
