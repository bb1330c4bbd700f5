package io.segpipe.prep.schema;

import io.segpipe.prep.Checks;

import java.io.Serializable;
import java.util.zip.CRC32C;

/**
 * One Parquet shard of a split, as the manifest lists it. Readers check presence, {@code bytes}
 * and {@code rows} (against the Parquet footer) when they open a dataset: both are cheap (a
 * listing, one footer read per shard) and catch a missing, truncated, replaced or half-copied
 * shard. {@code crc32c} is computed while the shard is written, at no measurable cost (CRC32C is a
 * CPU instruction): a full read compares it ({@code PreppedDataset.verifyChecksums}) after a copy
 * or on suspicion of bit rot, and it makes the manifest, and so its hash in a model's provenance,
 * name the exact bytes. It is an integrity check, not a defence against someone who can rewrite
 * the manifest too.
 *
 * @param file   file name inside the split folder, e.g. {@code part-00003.parquet}
 * @param rows   rows in the file
 * @param bytes  file length
 * @param crc32c CRC32C of the file's bytes, 8 lower-case hex digits
 */
public record ShardFile(String file, long rows, long bytes, String crc32c) implements Serializable {

    public ShardFile {
        Checks.notBlank("file", file);
        Checks.atLeast("rows", rows, 0L);
        Checks.atLeast("bytes", bytes, 0L);
        Checks.notBlank("crc32c", crc32c);
    }

    /** The manifest's spelling of a CRC32C value. */
    public static String hex(CRC32C crc) {
        return String.format("%08x", crc.getValue());
    }
}
