package io.segpipe.jobs.score;

import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The scoring output: one Parquet row per scored image.
 *
 * <table>
 * <caption>columns</caption>
 * <tr><td>id</td><td>string</td><td>sample id (prepared data) or path relative to the input folder</td></tr>
 * <tr><td>prediction</td><td>binary</td><td>8-bit single-channel PNG of predicted class ids</td></tr>
 * <tr><td>height, width</td><td>int</td><td>size of the image and of the label map</td></tr>
 * <tr><td>class_fractions</td><td>array&lt;double&gt;</td><td>per class id, the share of the image's pixels predicted as it (sums to 1)</td></tr>
 * <tr><td>confidence</td><td>double</td><td>mean over pixels of the highest class probability, in [1/K, 1]; with the dense CRF on
 *     ({@code inference.crf}), of the CRF's refined distribution, from which the labels come too</td></tr>
 * <tr><td>mask_file</td><td>string, null without masks</td><td>file name of the image's mask (an indexed PNG:
 *     pixel values are the class ids, its palette the class colours),
 *     directly inside the masks folder ({@link MaskNames}: a readable prefix of the id and a hash of it,
 *     never a path; join on this column rather than deriving a name from the id)</td></tr>
 * </table>
 *
 * <p>Written by executors with parquet-hadoop directly (one file per partition, published by
 * rename), read with Spark as {@link #SCHEMA}.
 */
public final class ScoreSchema {

    public static final String ID = "id";
    public static final String PREDICTION = "prediction";
    public static final String HEIGHT = "height";
    public static final String WIDTH = "width";
    public static final String CLASS_FRACTIONS = "class_fractions";
    public static final String CONFIDENCE = "confidence";
    public static final String MASK_FILE = "mask_file";

    /** The Spark view of the output. */
    public static final StructType SCHEMA = new StructType(new StructField[] {
        field(ID, DataTypes.StringType),
        field(PREDICTION, DataTypes.BinaryType),
        field(HEIGHT, DataTypes.IntegerType),
        field(WIDTH, DataTypes.IntegerType),
        field(CLASS_FRACTIONS, DataTypes.createArrayType(DataTypes.DoubleType, false)),
        field(CONFIDENCE, DataTypes.DoubleType),
        DataTypes.createStructField(MASK_FILE, DataTypes.StringType, true),
    });

    /** The same schema in Parquet terms (standard 3-level LIST for the array), as the executors write it. */
    static final String PARQUET = "message segpipe_score {\n"
            + "  required binary " + ID + " (STRING);\n"
            + "  required binary " + PREDICTION + ";\n"
            + "  required int32 " + HEIGHT + ";\n"
            + "  required int32 " + WIDTH + ";\n"
            + "  required group " + CLASS_FRACTIONS + " (LIST) {\n"
            + "    repeated group list {\n"
            + "      required double element;\n"
            + "    }\n"
            + "  }\n"
            + "  required double " + CONFIDENCE + ";\n"
            + "  optional binary " + MASK_FILE + " (STRING);\n"
            + "}\n";

    private ScoreSchema() {
    }

    static MessageType parquet() {
        return MessageTypeParser.parseMessageType(PARQUET);
    }

    private static StructField field(String name, DataType type) {
        return DataTypes.createStructField(name, type, false);
    }

    /**
     * Fails unless {@code schema} has every output column with its type, in Spark's words
     * ("Column confidence must be of type double but was actually string.").
     */
    public static void require(StructType schema) {
        for (StructField expected : SCHEMA.fields()) {
            scala.Option<Object> idx = schema.getFieldIndex(expected.name());
            if (idx.isEmpty()) {
                throw new IllegalArgumentException("Column " + expected.name() + " does not exist in the scoring output; "
                        + "it has " + String.join(", ", schema.fieldNames()));
            }
            DataType actual = schema.fields()[(Integer) idx.get()].dataType();
            if (!DataType.equalsIgnoreNullability(actual, expected.dataType())) {
                throw new IllegalArgumentException("Column " + expected.name() + " must be of type "
                        + expected.dataType().catalogString() + " but was actually " + actual.catalogString() + ".");
            }
        }
    }
}
