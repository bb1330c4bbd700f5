package io.segpipe.jobs.cli;

import org.apache.spark.sql.SparkSession;

import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.job.PrepJob;
import io.segpipe.prep.job.PrepResult;
import io.segpipe.prep.schema.QuarantineEntry;
import picocli.CommandLine.Command;

/** {@code segpipe prep}: labelled images to sharded Parquet with manifest and quarantine. */
@Command(name = "prep", mixinStandardHelpOptions = true,
        description = {"Shard a labelled image dataset (paired folders, Pascal VOC, colour-coded labels or a manifest "
                + "CSV, on any Hadoop file system) into Parquet with a manifest, class statistics and a quarantine.",
                "Configuration: io.segpipe.prep.job.PrepConfig; examples in conf/prep-*.conf.",
                "Example: segpipe prep --conf conf/prep-camvid.conf --set output=/data/camvid-prep"})
final class PrepCommand extends SparkJobCommand<PrepConfig, PrepResult> {
    private static final int QUARANTINE_SHOWN = 10;

    @Override
    Class<PrepConfig> configType() {
        return PrepConfig.class;
    }

    @Override
    String appName() {
        return "segpipe prep";
    }

    @Override
    PrepResult run(PrepConfig config, SparkSession spark) throws Exception {
        return PrepJob.run(config, spark);
    }

    @Override
    void print(PrepResult result) {
        System.out.printf("prepared %d samples from %d input files into %s%n", result.samples(), result.inputs(),
                result.output());
        result.manifest().splits().forEach((split, stats) ->
                System.out.printf("  split %-6s %6d samples%n", split, stats.samples()));
        System.out.printf("quarantined %d file(s)%s%n", result.quarantine().size(),
                result.quarantine().isEmpty() ? "" : " (listed in the dataset's quarantine; first ones below)");
        result.quarantine().stream().limit(QUARANTINE_SHOWN).map(QuarantineEntry::toString)
                .forEach(line -> System.out.println("  " + line));
    }
}
