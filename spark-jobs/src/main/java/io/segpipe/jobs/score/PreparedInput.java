package io.segpipe.jobs.score;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

import io.segpipe.jobs.infer.InputChecks;
import io.segpipe.jobs.infer.LoadedModel;
import io.segpipe.prep.fs.PathOverlap;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.ShardSchema;

/**
 * A prepared dataset, one split or all of it, as scoring input: the rows carry the stored image
 * bytes and the dataset's class table names the classes. The sources are the dataset folder and
 * the files it was made from, as far as its manifest tells ({@link DatasetSources}).
 */
record PreparedInput(ClassTable classes, Dataset<Row> rows, long images, int partitions,
                     List<PathOverlap.Place> sources) implements ScoreInput {

    /**
     * @throws IOException              when the dataset is missing or unreadable
     * @throws IllegalArgumentException when the model's class count is not the dataset's, the split
     *                                  is empty, or an image's channel count is not the model's
     */
    static PreparedInput open(ScoreConfig config, LoadedModel model, SparkSession spark) throws IOException {
        PreppedDataset dataset = PreppedDataset.open(spark, config.data());
        InputChecks.requireSameClassCount(model, dataset);
        Dataset<Row> shardRows = config.split() == null ? dataset.rows() : dataset.rows(config.split());
        long images = config.split() == null ? dataset.manifest().samples()
                : dataset.manifest().requireSamples("split", config.split(), dataset.path());
        if (images == 0) {
            throw new IllegalArgumentException("empty input: " + config.describeInput() + " has no samples");
        }
        InputChecks.requireChannels(shardRows, model.spec(), config.describeInput());
        Dataset<Row> rows = shardRows.select(functions.col(ShardSchema.ID),
                functions.lit(null).cast(DataTypes.StringType).as(PATH), functions.col(ShardSchema.IMAGE));
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        List<PathOverlap.Place> sources = new ArrayList<>();
        sources.add(new PathOverlap.Place("dataset", PathOverlap.canonical(dataset.path(), hadoop)));
        sources.addAll(DatasetSources.of(dataset.manifest(), hadoop));
        return new PreparedInput(dataset.manifest().classTable(), rows, images, config.partitions(), sources);
    }
}
