package io.segpipe.jobs.score;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import io.segpipe.jobs.eval.EvalFixtures;
import io.segpipe.prep.Hashes;
import io.segpipe.prep.testkit.TinyDatasets;

/** Models, image folders and file-tree snapshots for the scoring tests. */
final class ScoreFixtures {

    private ScoreFixtures() {
    }

    /** A tiny 4-class RGB model directory. */
    static String model(Path dir) {
        return EvalFixtures.tinyModel(dir, EvalFixtures.tinySpec(4, 3));
    }

    /** {@code n} RGB images {@code img<i>.png} (20x28) in {@code dir}. */
    static Path folder(Path dir, int n) {
        for (int i = 0; i < n; i++) {
            TinyDatasets.write(dir.resolve("img" + i + ".png"), TinyDatasets.noisyRgbPng(20, 28, i));
        }
        return dir;
    }

    /** Every file under {@code root} (hidden ones too) with the SHA-256 of its content, by relative path. */
    static Map<String, String> snapshot(Path root) {
        if (!Files.exists(root)) {
            return Map.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            Map<String, String> out = new TreeMap<>();
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(f).toString(), Hashes.sha256Hex(Files.readAllBytes(f)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Names directly in {@code dir}, sorted, without Hadoop's checksum files. */
    static List<String> names(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ids of a scoring output. */
    static List<String> ids(SparkSession spark, Path out) {
        return spark.read().parquet(out.toString()).select(ScoreSchema.ID).as(Encoders.STRING()).collectAsList();
    }

    /** id -> mask file of a scoring output. */
    static Map<String, String> maskFiles(SparkSession spark, Path out) {
        return spark.read().parquet(out.toString()).collectAsList().stream().collect(Collectors.toMap(
                (Row r) -> r.getString(r.fieldIndex(ScoreSchema.ID)),
                (Row r) -> r.getString(r.fieldIndex(ScoreSchema.MASK_FILE))));
    }

    /** Each row of a scoring output as one comparable string: id, confidence, hash of the label map, mask file. */
    static Set<String> rowKeys(SparkSession spark, Path out) {
        return spark.read().parquet(out.toString()).collectAsList().stream()
                .map(r -> r.getString(r.fieldIndex(ScoreSchema.ID)) + "|" + r.getDouble(r.fieldIndex(ScoreSchema.CONFIDENCE))
                        + "|" + Hashes.sha256Hex((byte[]) r.get(r.fieldIndex(ScoreSchema.PREDICTION))) + "|"
                        + r.getString(r.fieldIndex(ScoreSchema.MASK_FILE)))
                .collect(Collectors.toSet());
    }

    /** Hidden leftovers of staged writes or locks beside {@code dir}. */
    static Set<String> hiddenSiblings(Path dir) {
        return names(dir.getParent()).stream().filter(n -> n.startsWith("." + dir.getFileName()))
                .collect(Collectors.toSet());
    }
}
