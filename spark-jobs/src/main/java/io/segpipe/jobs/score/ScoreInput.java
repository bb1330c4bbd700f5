package io.segpipe.jobs.score;

import java.io.IOException;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import io.segpipe.jobs.infer.LoadedModel;
import io.segpipe.prep.fs.PathOverlap;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.ShardSchema;

/**
 * What a scoring run reads ({@link PreparedInput} or {@link FolderInput}), as rows of
 * {@link #SCHEMA}: an image's id and either its bytes or the path to read them from on the
 * executor. Opening an input checks it against the model before any work, one message per problem.
 */
interface ScoreInput {

    String ID = ShardSchema.ID;
    /** The file to read the image from, null when the row carries the bytes. */
    String PATH = "path";
    /** The image bytes (PNG or JPEG), null when the row names a file. */
    String IMAGE = ShardSchema.IMAGE;
    StructType SCHEMA = new StructType()
            .add(ID, DataTypes.StringType, false)
            .add(PATH, DataTypes.StringType, true)
            .add(IMAGE, DataTypes.BinaryType, true);

    /** The input {@code config} names, checked against {@code model}. */
    static ScoreInput open(ScoreConfig config, LoadedModel model, SparkSession spark) throws IOException {
        return config.data() != null ? PreparedInput.open(config, model, spark) : FolderInput.open(config, model, spark);
    }

    /** Names and colours of the classes the model predicts. */
    ClassTable classes();

    /** One row of {@link #SCHEMA} per image. */
    Dataset<Row> rows();

    /** Images in the input. */
    long images();

    /** Partitions to score in, 0 = as the rows come. */
    int partitions();

    /** What the input reads from (canonical), which the output and masks must stay apart from. */
    List<PathOverlap.Place> sources();
}
