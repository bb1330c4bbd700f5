package io.segpipe.prep.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segpipe.prep.Json;
import io.segpipe.prep.fs.CompletionMarker;
import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.schema.ShardFile;
import io.segpipe.prep.schema.ShardSchema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Copies of a prepared dataset whose rows were damaged after prep, as a reader meets them: the
 * shards are rewritten and the copy's manifest lists the rewritten shards (rows, length, CRC32C),
 * and its completion marker is copied, so the copy opens without complaint and only decoding
 * finds the damage.
 */
public final class DamagedDatasets {

    private DamagedDatasets() {
    }

    /**
     * A copy of the local dataset {@code dataset} at {@code copy} in which the stored image of each
     * row in {@code ids} is cut to its first third (a PNG that no longer decodes).
     *
     * @return the copy's path
     */
    public static String withTruncatedImages(SparkSession spark, String dataset, Path copy, Collection<String> ids) {
        Path source = Path.of(URI.create(dataset.startsWith("file:") ? dataset : "file:" + dataset));
        try {
            Dataset<Row> rows = spark.read().parquet(source.resolve(DatasetManifest.DATA_DIR).toString());
            Dataset<Row> damaged = rows.withColumn(ShardSchema.IMAGE, functions.when(
                    functions.col(ShardSchema.ID).isin(ids.toArray()),
                    functions.expr("substring(" + ShardSchema.IMAGE + ", 1, int(length(" + ShardSchema.IMAGE + ") / 3))"))
                    .otherwise(functions.col(ShardSchema.IMAGE)));
            Path data = copy.resolve(DatasetManifest.DATA_DIR);
            damaged.write().partitionBy(ShardSchema.SPLIT).parquet(data.toString());
            ObjectNode manifest = (ObjectNode) Json.mapper().readTree(source.resolve(DatasetManifest.FILE_NAME).toFile());
            manifest.set("shards", Json.mapper().valueToTree(list(data)));
            Files.writeString(copy.resolve(DatasetManifest.FILE_NAME), Json.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(manifest));
            // complete as prep left it: the damage came later
            Files.copy(source.resolve(CompletionMarker.FILE_NAME), copy.resolve(CompletionMarker.FILE_NAME));
            return copy.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shard list of a data folder as prep writes it: every visible file per split folder. */
    private static Map<String, List<ShardFile>> list(Path data) throws IOException {
        Map<String, List<ShardFile>> shards = new TreeMap<>();
        try (Stream<Path> splits = Files.list(data)) {
            for (Path dir : splits.filter(Files::isDirectory).toList()) {
                String split = dir.getFileName().toString().substring(ShardSchema.SPLIT.length() + 1);
                List<ShardFile> files = new ArrayList<>();
                try (Stream<Path> parts = Files.list(dir)) {
                    for (Path part : parts.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList()) {
                        files.add(new ShardFile(part.getFileName().toString(), footerRows(part), Files.size(part),
                                crc32c(part)));
                    }
                }
                shards.put(split, files);
            }
        }
        return shards;
    }

    private static long footerRows(Path file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
            return reader.getRecordCount();
        }
    }

    private static String crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                crc.update(buf, 0, n);
            }
        }
        return ShardFile.hex(crc);
    }
}
