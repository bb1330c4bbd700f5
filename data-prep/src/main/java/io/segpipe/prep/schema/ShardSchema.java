package io.segpipe.prep.schema;

import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The Parquet shard schema, version {@value #VERSION}: one row per sample.
 *
 * <table>
 * <caption>columns</caption>
 * <tr><td>id</td><td>string</td><td>stable sample id (file stem, VOC id, or manifest-relative path)</td></tr>
 * <tr><td>split</td><td>string</td><td>train / val / ...; also the directory partition {@code split=<name>}</td></tr>
 * <tr><td>image</td><td>binary</td><td>encoded PNG or JPEG: the source bytes unless resized (then PNG)</td></tr>
 * <tr><td>label</td><td>binary</td><td>single-channel 8-bit PNG of class ids (ignore label as is)</td></tr>
 * <tr><td>height, width, channels</td><td>int</td><td>decoded image size; channels 1 (grey) or 3 (RGB)</td></tr>
 * <tr><td>class_pixels</td><td>array&lt;bigint&gt;</td><td>pixels per class id in this label, ignore excluded</td></tr>
 * <tr><td>image_path, label_path</td><td>string</td><td>fully qualified source paths</td></tr>
 * <tr><td>content_hash</td><td>string</td><td>SHA-256 hex of the stored image then label bytes</td></tr>
 * </table>
 *
 * <p>Bump {@link #VERSION} on any change a reader could notice; readers refuse other versions.
 */
public final class ShardSchema {

    /** Schema version, also written to the manifest. */
    public static final int VERSION = 1;

    public static final String ID = "id";
    public static final String SPLIT = "split";
    public static final String IMAGE = "image";
    public static final String LABEL = "label";
    public static final String HEIGHT = "height";
    public static final String WIDTH = "width";
    public static final String CHANNELS = "channels";
    public static final String CLASS_PIXELS = "class_pixels";
    public static final String IMAGE_PATH = "image_path";
    public static final String LABEL_PATH = "label_path";
    public static final String CONTENT_HASH = "content_hash";

    /** The full row schema, in column order ({@code split} last: it is the directory partition column). */
    public static final StructType SCHEMA = new StructType(new StructField[]{
        field(ID, DataTypes.StringType),
        field(IMAGE, DataTypes.BinaryType),
        field(LABEL, DataTypes.BinaryType),
        field(HEIGHT, DataTypes.IntegerType),
        field(WIDTH, DataTypes.IntegerType),
        field(CHANNELS, DataTypes.IntegerType),
        field(CLASS_PIXELS, DataTypes.createArrayType(DataTypes.LongType, false)),
        field(IMAGE_PATH, DataTypes.StringType),
        field(LABEL_PATH, DataTypes.StringType),
        field(CONTENT_HASH, DataTypes.StringType),
        field(SPLIT, DataTypes.StringType),
    });

    /**
     * The columns stored in the Parquet files: all but {@code split}, which is the directory
     * ({@code data/split=<name>/part-*.parquet}) so that reading one split never touches the others.
     */
    public static final StructType FILE_SCHEMA = new StructType(java.util.Arrays.stream(SCHEMA.fields())
            .filter(f -> !f.name().equals(SPLIT)).toArray(StructField[]::new));

    /**
     * {@link #FILE_SCHEMA} in Parquet terms (the standard 3-level LIST for {@code class_pixels}), as the
     * prep tasks write it with parquet-hadoop; Spark reads it back as {@link #FILE_SCHEMA}.
     */
    public static final MessageType PARQUET = MessageTypeParser.parseMessageType("message segpipe_shard {\n"
            + "  required binary " + ID + " (STRING);\n"
            + "  required binary " + IMAGE + ";\n"
            + "  required binary " + LABEL + ";\n"
            + "  required int32 " + HEIGHT + ";\n"
            + "  required int32 " + WIDTH + ";\n"
            + "  required int32 " + CHANNELS + ";\n"
            + "  required group " + CLASS_PIXELS + " (LIST) {\n"
            + "    repeated group list {\n"
            + "      required int64 element;\n"
            + "    }\n"
            + "  }\n"
            + "  required binary " + IMAGE_PATH + " (STRING);\n"
            + "  required binary " + LABEL_PATH + " (STRING);\n"
            + "  required binary " + CONTENT_HASH + " (STRING);\n"
            + "}\n");

    private ShardSchema() {
    }

    private static StructField field(String name, DataType type) {
        return DataTypes.createStructField(name, type, false);
    }

    /** Checks {@code data} has every shard column with the right type; see {@link #require(StructType)}. */
    public static void require(Dataset<Row> data) {
        require(data.schema());
    }

    /**
     * Fails, before any work, unless {@code schema} has every column of {@link #SCHEMA} with the same
     * type. Nullability is not compared (Parquet reads mark every column nullable); extra columns
     * are allowed.
     *
     * @throws IllegalArgumentException in Spark's words, e.g.
     *                                  "Column label must be of type binary but was actually string."
     */
    public static void require(StructType schema) {
        for (StructField expected : SCHEMA.fields()) {
            StructField actual = Arrays.stream(schema.fields())
                    .filter(f -> f.name().equals(expected.name())).findFirst().orElse(null);
            if (actual == null) {
                throw new IllegalArgumentException("Column " + expected.name() + " does not exist. Available: "
                        + Arrays.stream(schema.fieldNames()).collect(Collectors.joining(", ")) + ".");
            }
            if (!sameType(expected.dataType(), actual.dataType())) {
                throw new IllegalArgumentException("Column " + expected.name() + " must be of type "
                        + expected.dataType().catalogString() + " but was actually "
                        + actual.dataType().catalogString() + ".");
            }
        }
    }

    private static boolean sameType(DataType expected, DataType actual) {
        if (expected instanceof ArrayType e && actual instanceof ArrayType a) {
            return sameType(e.elementType(), a.elementType());
        }
        return expected.equals(actual);
    }
}
