package io.segpipe.prep.schema;

import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ShardSchemaTest {

    private static StructType replace(String column, org.apache.spark.sql.types.DataType type) {
        return new StructType(Arrays.stream(ShardSchema.SCHEMA.fields())
                .map(f -> f.name().equals(column) ? DataTypes.createStructField(column, type, true) : f)
                .toArray(StructField[]::new));
    }

    /** What the prep tasks write is, to Spark's Parquet reader, exactly the file columns of the schema. */
    @Test
    void theParquetSchemaReadsBackAsTheFileSchema() {
        StructType read = new ParquetToSparkSchemaConverter(SQLConf.get()).convert(ShardSchema.PARQUET);
        assertEquals(ShardSchema.FILE_SCHEMA.treeString(), read.treeString());
        assertEquals(ShardSchema.FILE_SCHEMA, read);
    }

    @Test
    void acceptsItsOwnSchemaWithAnyNullabilityAndExtraColumns() {
        assertDoesNotThrow(() -> ShardSchema.require(ShardSchema.SCHEMA));
        StructType nullable = new StructType(Arrays.stream(ShardSchema.SCHEMA.fields())
                .map(f -> DataTypes.createStructField(f.name(), f.dataType(), true)).toArray(StructField[]::new))
                .add("extra", DataTypes.StringType);
        assertDoesNotThrow(() -> ShardSchema.require(nullable));
    }

    @Test
    void wrongTypeFailsInSparksWords() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShardSchema.require(replace("label", DataTypes.StringType)));
        assertEquals("Column label must be of type binary but was actually string.", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ShardSchema.require(replace("class_pixels", DataTypes.createArrayType(DataTypes.IntegerType))));
        assertEquals("Column class_pixels must be of type array<bigint> but was actually array<int>.", e.getMessage());
    }

    @Test
    void missingColumnIsNamed() {
        StructType without = new StructType(Arrays.stream(ShardSchema.SCHEMA.fields())
                .filter(f -> !f.name().equals("content_hash")).toArray(StructField[]::new));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardSchema.require(without));
        assertEquals("Column content_hash does not exist. Available: id, image, label, height, width, channels, "
                + "class_pixels, image_path, label_path, split.", e.getMessage());
    }
}
