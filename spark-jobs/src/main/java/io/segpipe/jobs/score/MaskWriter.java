package io.segpipe.jobs.score;

import java.io.IOException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import io.segpipe.jobs.infer.ImagePrediction;
import io.segpipe.jobs.infer.LabelColours;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.fs.AtomicFs;

/**
 * Writes each prediction as a coloured PNG mask directly inside the masks folder, named by
 * {@link MaskNames} (executor side).
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
        byte[] png = ImageCodec.encodePng(colours.render(prediction.labels(), prediction.offset(), prediction.width(),
                prediction.height()));
        AtomicFs.writeFile(fs, file, true, out -> out.write(png));
        return name;
    }
}
