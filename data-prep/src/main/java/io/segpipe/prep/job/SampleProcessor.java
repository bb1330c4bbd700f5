package io.segpipe.prep.job;

import io.segpipe.prep.codec.BadInputException;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.codec.ImageInfo;
import io.segpipe.prep.codec.LabelRaster;
import io.segpipe.prep.codec.RasterImage;
import io.segpipe.prep.codec.Resampler;
import io.segpipe.prep.fs.HadoopFiles;
import io.segpipe.prep.fs.SerializableHadoopConf;
import io.segpipe.prep.layout.SourcePair;
import io.segpipe.prep.schema.QuarantineEntry;
import io.segpipe.prep.fs.LocalFiles;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.util.Arrays;

/**
 * Reads, decodes, validates and (optionally) resizes one image/label pair on an executor. A bad
 * pair becomes a {@link QuarantineEntry} naming the offending file; I/O failures other than a
 * missing or unopenable file propagate, so Spark retries the task instead of silently dropping data.
 *
 * <p>Memory is bounded in two lines. First, before anything is allocated for it, a file longer
 * than {@code maxFileBytes} is refused from its listed length, and an image whose header declares
 * a raster above {@code maxDecodedBytes} is refused by the codec. Second, an
 * {@link OutOfMemoryError} raised while one pair is read, decoded or resized quarantines that pair
 * and the task goes on: everything the pair allocated was local to {@link #process} and is
 * unreachable once the error has unwound to it, and no shared state (the shard writer, the
 * accumulators) is touched there, so nothing is left half-updated. Under pressure from other tasks
 * an innocent pair may be the one whose allocation fails; its reason says so, and the first line
 * keeps that rare. An error raised elsewhere (another thread, the writer) is not caught here.
 */
final class SampleProcessor implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SampleProcessor.class);

    private final LabelMapper labels;
    private final ResizeSpec resize;
    private final int numClasses;
    private final long maxFileBytes;
    private final long maxDecodedBytes;
    private final SerializableHadoopConf hadoopConf;

    SampleProcessor(PrepConfig config, SerializableHadoopConf hadoopConf) {
        this.labels = new LabelMapper(config.classes(), config.labelFormat(), config.labelValueMap());
        this.resize = config.resize();
        this.numClasses = config.classes().numClasses();
        this.maxFileBytes = config.maxFileBytes();
        this.maxDecodedBytes = config.maxDecodedBytes();
        this.hadoopConf = hadoopConf;
    }

    /** Either a sample or the reason the pair is rejected. */
    record Outcome(PreparedSample sample, QuarantineEntry rejected) {
    }

    Outcome process(SourcePair pair) {
        byte[] imageBytes;
        byte[] labelBytes;
        RasterImage pixels = null;
        ImageInfo image;
        try {
            checkLength(pair.imagePath(), pair.imageLength());
            imageBytes = read(pair.imagePath());
            if (resize != null) {
                pixels = ImageCodec.decodeImage(imageBytes, maxDecodedBytes);
                image = pixels.info();
            } else {
                // The source bytes are stored as they are: validate them without copying the pixels out.
                image = ImageCodec.checkImage(imageBytes, maxDecodedBytes);
            }
        } catch (BadInputException e) {
            return reject(pair.imagePath(), "image: " + e.reason());
        } catch (OutOfMemoryError e) {
            return outOfMemory(pair.imagePath(), "image", "decoding", e);
        }
        LabelRaster label;
        LabelMapper.Mapped ids;
        try {
            checkLength(pair.labelPath(), pair.labelLength());
            labelBytes = read(pair.labelPath());
            label = ImageCodec.decodeLabel(labelBytes, maxDecodedBytes);
            if (label.width() != image.width() || label.height() != image.height()) {
                return reject(pair.labelPath(), "label is " + label.size() + " but image " + pair.imagePath()
                        + " is " + image.size());
            }
            ids = labels.map(label);
        } catch (BadInputException e) {
            return reject(pair.labelPath(), "label: " + e.reason());
        } catch (OutOfMemoryError e) {
            return outOfMemory(pair.labelPath(), "label", "decoding", e);
        }
        try {
            return prepared(pair, image, pixels, imageBytes, labelBytes, ids);
        } catch (OutOfMemoryError e) {
            return outOfMemory(pair.imagePath(), "image", "resizing", e);
        }
    }

    /** The sample of a valid pair: resized and re-encoded when the config asks for it, else the source bytes. */
    private Outcome prepared(SourcePair pair, ImageInfo image, RasterImage pixels, byte[] imageBytes, byte[] labelBytes,
                             LabelMapper.Mapped ids) {
        int w = image.width();
        int h = image.height();
        byte[] storedImage = imageBytes;
        byte[] idPixels = ids.ids();
        long[] idCounts = ids.idCounts();
        boolean keepLabel = ids.sameAsSource();
        if (resize != null && (resize.width() != w || resize.height() != h)) {
            int[] scaled = resize.scaledSize(w, h);
            byte[] px = Resampler.bilinear(pixels.pixels(), w, h, image.channels(), scaled[0], scaled[1]);
            byte[] lab = Resampler.nearest(idPixels, w, h, 1, scaled[0], scaled[1]);
            int x0 = (scaled[0] - resize.width()) / 2;
            int y0 = (scaled[1] - resize.height()) / 2;
            if (x0 != 0 || y0 != 0 || scaled[0] != resize.width() || scaled[1] != resize.height()) {
                px = Resampler.crop(px, scaled[0], scaled[1], image.channels(), x0, y0, resize.width(), resize.height());
                lab = Resampler.crop(lab, scaled[0], scaled[1], 1, x0, y0, resize.width(), resize.height());
            }
            w = resize.width();
            h = resize.height();
            storedImage = ImageCodec.encodePng(new RasterImage(w, h, image.channels(), px));
            idPixels = lab;
            idCounts = LabelMapper.valueCounts(lab);
            keepLabel = false;
        }
        byte[] storedLabel = keepLabel ? labelBytes : ImageCodec.encodeGreyPng(w, h, idPixels);
        return new Outcome(new PreparedSample(pair.id(), pair.split(), storedImage, storedLabel, h, w, image.channels(),
                classPixels(idCounts), pair.imagePath(), pair.labelPath()), null);
    }

    /** Pixels per class id: the ids of {@code numClasses} and above (the ignore label) are not counted. */
    private long[] classPixels(long[] idCounts) {
        return Arrays.copyOf(idCounts, numClasses);
    }

    private static Outcome reject(String path, String reason) {
        return new Outcome(null, new QuarantineEntry(path, reason));
    }

    /** Quarantines the pair whose processing ran out of heap (see the class notes for why that is safe). */
    private static Outcome outOfMemory(String path, String role, String step, OutOfMemoryError e) {
        LOG.warn("Out of memory while {} {}; quarantining it and going on", step, path);
        return reject(path, role + ": out of memory while " + step + " (" + e.getMessage()
                + "): lower maxDecodedBytes or give executors more memory");
    }

    /**
     * Refuses a file longer than {@code maxFileBytes} before it is read, from the length the listing
     * reported, or from the file's status when the layout did not list it (manifest CSV).
     */
    private void checkLength(String file, long listedLength) throws BadInputException {
        long length = listedLength != SourcePair.UNKNOWN_LENGTH ? listedLength : status(file).getLen();
        if (length > maxFileBytes) {
            throw new BadInputException("file is " + length + " bytes, above maxFileBytes " + maxFileBytes);
        }
    }

    /** Status of a regular file; a missing file, a broken link or a directory is bad input. */
    private FileStatus status(String file) throws BadInputException {
        Path path = new Path(file);
        try {
            FileStatus status = path.getFileSystem(hadoopConf.get()).getFileStatus(path);
            if (!status.isFile()) {
                throw new BadInputException("not a regular file (a directory)");
            }
            return status;
        } catch (FileNotFoundException e) {
            throw new BadInputException(notFound(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot get the status of " + file, e);
        }
    }

    /**
     * Why {@code path} could not be found: a local symbolic link that does not resolve is named as
     * one ({@link LocalFiles#brokenLink}), anything else is "file not found".
     */
    private String notFound(Path path) {
        try {
            FileSystem fs = path.getFileSystem(hadoopConf.get());
            return LocalFiles.local(fs, path).flatMap(LocalFiles::brokenLink).orElse("file not found");
        } catch (IOException | RuntimeException e) {
            return "file not found";
        }
    }

    /**
     * Why an existing file could not be opened; Hadoop's local file system reports a permission
     * denied as FileNotFoundException ("x.png (Permission denied)"), so existence tells the two apart.
     */
    private String openFailure(Path path, FileNotFoundException e) {
        try {
            if (path.getFileSystem(hadoopConf.get()).exists(path)) {
                return "cannot be opened: " + e.getMessage();
            }
        } catch (IOException | RuntimeException ignored) {
            // Treated as missing below.
        }
        return notFound(path);
    }

    /** Whole file content; a missing file is bad input (listed but gone, or a wrong CSV path). */
    private byte[] read(String file) throws BadInputException {
        Path path = new Path(file);
        try {
            return HadoopFiles.readBytes(path.getFileSystem(hadoopConf.get()), path);
        } catch (FileNotFoundException e) {
            throw new BadInputException(openFailure(path, e));
        } catch (AccessControlException | AccessDeniedException e) {
            // HDFS and S3A refusals: the same on every attempt, so bad input rather than a task failure.
            throw new BadInputException("cannot be opened: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
