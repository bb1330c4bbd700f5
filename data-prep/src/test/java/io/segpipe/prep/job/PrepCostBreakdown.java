package io.segpipe.prep.job;

import io.segpipe.prep.bench.PrepBenchmark;
import io.segpipe.prep.codec.BadInputException;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.fs.SerializableHadoopConf;
import io.segpipe.prep.layout.InputSpec;
import io.segpipe.prep.layout.SourcePair;
import io.segpipe.prep.schema.ClassTable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where prep's CPU per pair goes, outside Spark: on one thread, the CPU per CamVid pair of decoding
 * alone (the prep benchmark's baseline), of {@link SampleProcessor#process} (read, decode, validate,
 * map the label), of the content hash and of writing the samples with {@link ShardWriter}. The sum
 * of the last three is the least prep can cost per pair whatever Spark adds. A main, not a test:
 * {@code java -cp <data-prep test class path> io.segpipe.prep.job.PrepCostBreakdown CAMVID_DIR [rounds]}
 * (docs/benchmarks.md, "Prep throughput").
 */
public final class PrepCostBreakdown {

    static final String USAGE = "usage: PrepCostBreakdown CAMVID_DIR [ROUNDS]\n"
            + "  CAMVID_DIR  CamVid root with train/ trainannot/ val/ valannot/\n"
            + "  ROUNDS      measurement rounds, the first ones warming up the JIT (default 6)";

    private PrepCostBreakdown() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println(USAGE);
            System.exit(2);
        }
        String camvid = args[0];
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        Configuration conf = new Configuration();
        InputSpec input = PrepBenchmark.camvidInput(camvid);
        List<SourcePair> pairs = input.list(conf).pairs();
        java.nio.file.Path scratch = Files.createTempDirectory("segpipe-prep-cost");
        PrepConfig config = PrepConfig.builder().input(input).output(scratch.resolve("unused").toString())
                .classes(ClassTable.camvid()).build();
        SampleProcessor processor = new SampleProcessor(config, new SerializableHadoopConf(conf));
        List<byte[][]> files = new ArrayList<>();
        for (SourcePair p : pairs) {
            files.add(new byte[][] {read(p.imagePath()), read(p.labelPath())});
        }
        Path shard = new Path(scratch.resolve("part.parquet").toUri());
        System.out.println("round | decode only | process | content hash | Parquet write | process+hash+write | ratio (ms per pair)");
        for (int round = 1; round <= rounds; round++) { // the first rounds warm up the JIT
            long t = cpu();
            for (byte[][] f : files) {
                decode(f);
            }
            double decode = perPair(t, pairs.size());

            t = cpu();
            List<PreparedSample> samples = new ArrayList<>(pairs.size());
            for (SourcePair p : pairs) {
                samples.add(processor.process(p).sample());
            }
            double process = perPair(t, pairs.size());

            t = cpu();
            for (PreparedSample s : samples) {
                PreparedSample.contentHash(s.image(), s.label());
            }
            double hash = perPair(t, pairs.size());

            t = cpu();
            try (ShardWriter writer = ShardWriter.open(shard, conf, config.compression(), config.rowGroupBytes())) {
                for (PreparedSample s : samples) {
                    writer.write(s); // computes the content hash again, as prep does
                }
                writer.commit();
            }
            double write = perPair(t, pairs.size()) - hash;
            double total = process + hash + write;
            System.out.printf(Locale.ROOT, "%d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f%n", round, decode, process, hash, write,
                    total, decode / total);
        }
        org.apache.commons.io.FileUtils.deleteDirectory(scratch.toFile());
    }

    private static void decode(byte[][] pair) throws BadInputException {
        ImageCodec.checkImage(pair[0]);
        ImageCodec.decodeLabel(pair[1]);
    }

    private static byte[] read(String uri) throws Exception {
        return Files.readAllBytes(java.nio.file.Path.of(new java.net.URI(uri)));
    }

    private static double perPair(long startNanos, int pairs) {
        return (cpu() - startNanos) / 1e6 / pairs;
    }

    /** CPU time of this thread (the work measured here runs on it alone). */
    private static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
