package io.segpipe.prep.job;

import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.IOException;
import java.util.zip.CRC32C;

/**
 * A Parquet {@link OutputFile} that passes every byte on to {@code target} and keeps the CRC32C
 * and count of what went through, so a shard's checksum costs no second read of the file. One
 * stream per instance: the writer creates the file once.
 */
final class ChecksummingOutputFile implements OutputFile {

    private final OutputFile target;
    private final CRC32C crc = new CRC32C();
    private long bytes;

    ChecksummingOutputFile(OutputFile target) {
        this.target = target;
    }

    /** CRC32C of the bytes written so far. */
    CRC32C crc() {
        return crc;
    }

    /** Bytes written so far. */
    long bytes() {
        return bytes;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
        return counting(target.create(blockSizeHint));
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        return counting(target.createOrOverwrite(blockSizeHint));
    }

    @Override
    public boolean supportsBlockSize() {
        return target.supportsBlockSize();
    }

    @Override
    public long defaultBlockSize() {
        return target.defaultBlockSize();
    }

    @Override
    public String getPath() {
        return target.getPath();
    }

    private PositionOutputStream counting(PositionOutputStream out) {
        return new PositionOutputStream() {
            @Override
            public long getPos() throws IOException {
                return out.getPos();
            }

            @Override
            public void write(int b) throws IOException {
                out.write(b);
                crc.update(b);
                bytes++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                crc.update(b, off, len);
                bytes += len;
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }
}
