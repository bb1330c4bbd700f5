package io.segpipe.prep.job;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import io.segpipe.prep.Checks;
import io.segpipe.prep.Json;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.layout.InputSpec;
import io.segpipe.prep.schema.ClassTable;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every option of the prep job: names, defaults (in {@link Builder}) and validation live here and
 * nowhere else. JSON uses the component names; omitted options take the builder defaults.
 *
 * @param input          where the input is and its layout ({@code paired-folders}, {@code pascal-voc}, {@code manifest-csv})
 * @param output         dataset directory to create (any Hadoop path); the data goes to {@code output/data}
 * @param classes        class ids, names, colours and ignore label
 * @param labelFormat    {@code IDS} (8-bit values / palette indices are ids, default) or {@code COLOURS} (RGB looked up in {@code classes})
 * @param labelValueMap  for {@code IDS}: raw label value to class id, e.g. ISBI {@code {0: 0, 255: 1}}; empty (default)
 *                       means raw values are ids. When set, unmapped values other than the ignore label are errors
 * @param split          fractions and seed for samples the layout gives no split (default train 0.8 / val 0.2, seed 42)
 * @param resize         optional resize at prep time (default none: source bytes are kept as they are)
 * @param shardCount     Parquet files per split and parallelism of the job; use at least the cores that will read
 *                       the data (default 8)
 * @param rowGroupBytes  Parquet row-group size (default 32 MiB, as Petastorm uses): a row group is the unit a
 *                       reader task buffers and skips, so it bounds reader memory (about 100 CamVid images) while
 *                       staying large enough for sequential throughput on HDFS (4 per 128 MiB block)
 * @param compression    Parquet codec: none (default), snappy, gzip, lz4, zstd. Image and label bytes are
 *                       already PNG/JPEG-compressed: a codec spends CPU on them for almost no gain
 * @param maxBadFraction fail the job when more than this fraction of input files is quarantined (default 0.01)
 * @param maxFileBytes   input files longer than this are quarantined from the length the listing reports, before
 *                       they are read (default 64 MiB, in [1 KiB, 2 GiB - 9]). A file is held whole in memory while
 *                       its pair is processed and stored whole in one Parquet row
 * @param maxDecodedBytes images and labels whose decoded raster, width x height x channels x bytes per sample as
 *                       their header declares it, exceeds this are quarantined before decoding (default 256 MiB, about
 *                       89 megapixels of 8-bit RGB, in [1 KiB, 2 GiB - 9]: a raster is one Java array). This is what
 *                       keeps a decompression bomb from exhausting an executor: one sample's decode peaks at a few
 *                       times this, so executor heap should cover that times its cores
 * @param overwrite      replace an existing output (default false: an existing output is an error)
 */
@JsonDeserialize(builder = PrepConfig.Builder.class)
public record PrepConfig(InputSpec input, String output, ClassTable classes, LabelFormat labelFormat,
                         Map<Integer, Integer> labelValueMap, SplitSpec split, ResizeSpec resize, int shardCount,
                         long rowGroupBytes, String compression, double maxBadFraction, long maxFileBytes,
                         long maxDecodedBytes, boolean overwrite) {

    private static final Set<String> CODECS = Set.of("none", "uncompressed", "snappy", "gzip", "lz4", "zstd");
    /** Smallest byte limit accepted: below it a limit is almost certainly a unit mistake (MiB meant). */
    private static final long MIN_LIMIT_BYTES = 1024;

    public PrepConfig {
        Checks.notNull("input", input);
        Checks.notBlank("output", output);
        Checks.notNull("classes", classes);
        Checks.notNull("labelFormat", labelFormat);
        Checks.notNull("split", split);
        labelValueMap = labelValueMap == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labelValueMap));
        for (Map.Entry<Integer, Integer> e : labelValueMap.entrySet()) {
            if (e.getKey() == null || e.getKey() < 0 || e.getKey() > 255) {
                throw new IllegalArgumentException("labelValueMap keys must be 8-bit values 0..255, found " + e.getKey());
            }
            if (e.getValue() == null || !classes.isValidLabel(e.getValue())) {
                throw new IllegalArgumentException("labelValueMap." + e.getKey() + " must be a class id or the ignore label ("
                        + classes.describeValues() + "), found " + e.getValue());
            }
        }
        if (!labelValueMap.isEmpty() && labelFormat != LabelFormat.IDS) {
            throw new IllegalArgumentException("labelValueMap applies to labelFormat IDS only, found labelFormat " + labelFormat);
        }
        if (labelFormat == LabelFormat.COLOURS && classes.ignore().isPresent() && classes.ignoreColour() == null) {
            throw new IllegalArgumentException("labelFormat COLOURS with ignoreLabel " + classes.ignoreLabel()
                    + " needs classes.ignoreColour, found null");
        }
        Checks.atLeast("shardCount", shardCount, 1);
        Checks.atLeast("rowGroupBytes", rowGroupBytes, 1L << 20);
        Checks.notNull("compression", compression);
        compression = compression.toLowerCase(Locale.ROOT);
        if (!CODECS.contains(compression)) {
            throw new IllegalArgumentException("compression must be one of " + CODECS + ", found " + compression);
        }
        Checks.inRange("maxBadFraction", maxBadFraction, 0, 1);
        Checks.inRange("maxFileBytes", maxFileBytes, MIN_LIMIT_BYTES, ImageCodec.MAX_DECODED_BYTES_LIMIT);
        Checks.inRange("maxDecodedBytes", maxDecodedBytes, MIN_LIMIT_BYTES, ImageCodec.MAX_DECODED_BYTES_LIMIT);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        return new Builder().input(input).output(output).classes(classes).labelFormat(labelFormat)
                .labelValueMap(labelValueMap).split(split).resize(resize).shardCount(shardCount)
                .rowGroupBytes(rowGroupBytes).compression(compression).maxBadFraction(maxBadFraction).maxFileBytes(maxFileBytes)
                .maxDecodedBytes(maxDecodedBytes).overwrite(overwrite);
    }

    public String toJson() {
        return Json.write(this);
    }

    public static PrepConfig fromJson(String json) {
        return Json.read(json, PrepConfig.class);
    }

    /** Defaults for every option; {@link #build()} validates. */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private InputSpec input;
        private String output;
        private ClassTable classes;
        private LabelFormat labelFormat = LabelFormat.IDS;
        private Map<Integer, Integer> labelValueMap = Map.of();
        private SplitSpec split = SplitSpec.DEFAULT;
        private ResizeSpec resize;
        private int shardCount = 8;
        private long rowGroupBytes = 32L << 20;
        private String compression = "none";
        private double maxBadFraction = 0.01;
        private long maxFileBytes = 64L << 20;
        private long maxDecodedBytes = ImageCodec.DEFAULT_MAX_DECODED_BYTES;
        private boolean overwrite;

        public Builder input(InputSpec v) {
            input = v;
            return this;
        }

        public Builder output(String v) {
            output = v;
            return this;
        }

        public Builder classes(ClassTable v) {
            classes = v;
            return this;
        }

        public Builder labelFormat(LabelFormat v) {
            labelFormat = v;
            return this;
        }

        public Builder labelValueMap(Map<Integer, Integer> v) {
            labelValueMap = v;
            return this;
        }

        public Builder split(SplitSpec v) {
            split = v;
            return this;
        }

        public Builder resize(ResizeSpec v) {
            resize = v;
            return this;
        }

        public Builder shardCount(int v) {
            shardCount = v;
            return this;
        }

        public Builder rowGroupBytes(long v) {
            rowGroupBytes = v;
            return this;
        }

        public Builder compression(String v) {
            compression = v;
            return this;
        }

        public Builder maxBadFraction(double v) {
            maxBadFraction = v;
            return this;
        }

        public Builder maxFileBytes(long v) {
            maxFileBytes = v;
            return this;
        }

        public Builder maxDecodedBytes(long v) {
            maxDecodedBytes = v;
            return this;
        }

        public Builder overwrite(boolean v) {
            overwrite = v;
            return this;
        }

        public PrepConfig build() {
            return new PrepConfig(input, output, classes, labelFormat, labelValueMap, split, resize, shardCount,
                    rowGroupBytes, compression, maxBadFraction, maxFileBytes, maxDecodedBytes, overwrite);
        }
    }
}
