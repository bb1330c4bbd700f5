package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.schema.ShardSchema;
import io.segpipe.prep.testkit.TinyDatasets;
import io.segpipe.prep.testkit.LocalSpark;

/** A row whose image bytes are damaged is counted, logged with its id and skipped; training goes on. */
@ExtendWith(LocalSpark.class)
class CorruptRowTest {
    @TempDir
    Path tmp;

    @Test
    void aCorruptRowIsCountedAndSkipped() throws Exception {
        SparkSession spark = LocalSpark.session();
        Path source = Path.of(URI.create(TrainFixtures.dataset()));
        Dataset<Row> rows = spark.read().parquet(source.resolve(DatasetManifest.DATA_DIR).toString());
        String victim = rows.where("split = 'train'").select(ShardSchema.ID).orderBy(ShardSchema.ID).first().getString(0);
        int imageIndex = rows.schema().fieldIndex(ShardSchema.IMAGE);
        int idIndex = rows.schema().fieldIndex(ShardSchema.ID);
        JavaRDD<Row> damaged = rows.javaRDD().map(r -> {
            if (!r.getString(idIndex).equals(victim)) {
                return r;
            }
            Object[] values = new Object[r.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = r.get(i);
            }
            byte[] image = (byte[]) values[imageIndex];
            values[imageIndex] = Arrays.copyOf(image, image.length / 3);
            return RowFactory.create(values);
        });
        Path copy = tmp.resolve("damaged");
        spark.createDataFrame(damaged, rows.schema()).write().partitionBy(ShardSchema.SPLIT)
                .parquet(copy.resolve(DatasetManifest.DATA_DIR).toString());
        TinyDatasets.copyManifestWithoutShardList(source, copy); // Spark named the rewritten shards itself

        TrainResult r = TrainJob.run(TrainFixtures.config(tmp).dataset(copy.toString()).epochs(1).build(), spark);
        assertEquals(1, r.skippedRows(), "the damaged row, once");
        assertEquals(1, r.last().skippedRows());
        assertEquals(rows.where("split = 'train'").count() - 1, r.last().images(), "every other train image trained");
        assertTrue(Double.isFinite(r.last().loss()));
    }
}
