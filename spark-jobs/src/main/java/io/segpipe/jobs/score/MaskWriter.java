package io.segpipe.jobs.score;

import java.io.IOException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import io.segpipe.jobs.infer.ImagePrediction;
import io.segpipe.jobs.infer.LabelColours;
import io.segpipe.prep.fs.AtomicFs;

/**
 * Writes each prediction as a mask directly inside the masks folder, named by {@link MaskNames}
 * (executor side): an 8-bit indexed PNG whose pixels are the predicted class ids and whose palette
 * holds the class colours ({@link LabelColours#indexedPng}), so viewers show colours and programs
 * read the ids.
 */
final class MaskWriter {

    private final FileSystem fs;
    private final Path dir;
    private final LabelColours colours;

    private MaskWriter(FileSystem fs, Path dir, LabelColours colours) {
        this.fs = fs;
        this.dir = dir;
        this.colours = colours;
    }

    static MaskWriter open(String dir, Configuration conf, LabelColours colours) throws IOException {
        Path path = new Path(dir);
        return new MaskWriter(path.getFileSystem(conf), path, colours);
    }

    /**
     * Writes the mask of {@code id} (replacing an earlier attempt's).
     *
     * @return its file name inside the masks folder
     */
    String write(String id, ImagePrediction prediction) throws IOException {
        String name = MaskNames.of(id);
        Path file = new Path(dir, name);
        if (!dir.equals(file.getParent())) {
            // MaskNames never yields such a name; a second guard because a mask outside the folder overwrites other files.
            throw new IllegalStateException("mask name " + name + " of id " + id + " would leave the masks folder " + dir);
        }
        byte[] png = colours.indexedPng(prediction.labelBytes(), prediction.width(), prediction.height());
        AtomicFs.writeFile(fs, file, true, out -> out.write(png));
        return name;
    }
}
