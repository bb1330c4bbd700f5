package io.segpipe.jobs.score;

import java.io.IOException;
import java.util.Locale;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import io.segpipe.jobs.infer.ImagePrediction;
import io.segpipe.jobs.infer.LabelColours;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.fs.AtomicFs;

/** Writes each prediction as a coloured PNG mask, {@code <id>.png} under the masks folder (executor side). */
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

    void write(String id, ImagePrediction prediction) throws IOException {
        byte[] png = ImageCodec.encodePng(colours.render(prediction.labels(), prediction.offset(), prediction.width(),
                prediction.height()));
        AtomicFs.writeFile(fs, new Path(dir, maskName(id)), true, out -> out.write(png));
    }

    /** The mask file of an id: its known image extension replaced by .png; ".." segments neutralised. */
    static String maskName(String id) {
        String base = id;
        String lower = id.toLowerCase(Locale.ROOT);
        for (String ext : new String[] {".png", ".jpg", ".jpeg"}) {
            if (lower.endsWith(ext)) {
                base = id.substring(0, id.length() - ext.length());
                break;
            }
        }
        StringBuilder safe = new StringBuilder();
        for (String seg : base.split("/", -1)) {
            if (safe.length() > 0) {
                safe.append('/');
            }
            safe.append(seg.equals("..") || seg.equals(".") || seg.isEmpty() ? "_" + seg : seg);
        }
        return safe + ".png";
    }
}
