package io.segpipe.jobs.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.segpipe.model.backend.BackendInfo;
import io.segpipe.model.backend.Nd4jBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code segpipe env}: what this machine and build give segpipe to run on. */
@Command(name = "env", mixinStandardHelpOptions = true,
        description = "Show the ND4J backend, whether the oneDNN/cuDNN helpers are engaged, threads, memory "
                + "limits and the Spark, Scala and DL4J versions.")
final class EnvCommand implements Callable<Integer> {

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON to FILE.")
    Path json;

    /** The report of {@code segpipe env}. */
    record Environment(String segpipeVersion, String sparkVersion, String scalaVersion, String javaVersion,
                       int cores, BackendInfo nd4j) {
    }

    @Override
    public Integer call() {
        Environment env = run();
        System.out.println("segpipe environment");
        Reports.printRecord(System.out, env);
        if (json != null) {
            Reports.writeJson(json, env);
        }
        return 0;
    }

    static Environment run() {
        JavaRuntime.requireSparkFlags();
        BackendInfo backend = Nd4jBackend.init();
        return new Environment(Versions.segpipe(), Versions.spark(), Versions.scala(), Runtime.version().toString(),
                Runtime.getRuntime().availableProcessors(), backend);
    }
}
