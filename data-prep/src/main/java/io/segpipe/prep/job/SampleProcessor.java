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
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Reads, decodes, validates and (optionally) resizes one image/label pair on an executor. A bad
 * pair becomes a {@link QuarantineEntry} naming the offending file; I/O failures other than a
 * missing file propagate, so Spark retries the task instead of silently dropping data.
 */
final class SampleProcessor implements Serializable {

    private static final long serialVersionUID = 1L;

    private final LabelMapper labels;
    private final ResizeSpec resize;
    private final int numClasses;
    private final SerializableHadoopConf hadoopConf;

    SampleProcessor(PrepConfig config, SerializableHadoopConf hadoopConf) {
        this.labels = new LabelMapper(config.classes(), config.labelFormat(), config.labelValueMap());
        this.resize = config.resize();
        this.numClasses = config.classes().numClasses();
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
            imageBytes = read(pair.imagePath());
            if (resize != null) {
                pixels = ImageCodec.decodeImage(imageBytes);
                image = pixels.info();
            } else {
                // The source bytes are stored as they are: validate them without copying the pixels out.
                image = ImageCodec.checkImage(imageBytes);
            }
        } catch (BadInputException e) {
            return reject(pair.imagePath(), "image: " + e.reason());
        }
        LabelRaster label;
        LabelMapper.Mapped ids;
        try {
            labelBytes = read(pair.labelPath());
            label = ImageCodec.decodeLabel(labelBytes);
            if (label.width() != image.width() || label.height() != image.height()) {
                return reject(pair.labelPath(), "label is " + label.size() + " but image " + pair.imagePath()
                        + " is " + image.size());
            }
            ids = labels.map(label);
        } catch (BadInputException e) {
            return reject(pair.labelPath(), "label: " + e.reason());
        }

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

    /** Whole file content; a missing file is bad input (listed but gone, or a wrong CSV path). */
    private byte[] read(String file) throws BadInputException {
        Path path = new Path(file);
        try {
            return HadoopFiles.readBytes(path.getFileSystem(hadoopConf.get()), path);
        } catch (FileNotFoundException e) {
            throw new BadInputException("file not found");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
