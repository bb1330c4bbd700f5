package io.segpipe.prep.layout;

import io.segpipe.prep.Checks;
import io.segpipe.prep.schema.QuarantineEntry;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Images in one folder, labels in another, paired by file stem ({@code train/0001TP_006690.png}
 * with {@code trainannot/0001TP_006690.png}). The sample id is the stem, so stems must be unique
 * across all folder pairs.
 *
 * @param root    base path the folder names are resolved against
 * @param folders one entry per image/label folder pair, e.g. CamVid
 *                {@code [{images: train, labels: trainannot, split: train}, {images: val, labels: valannot, split: val}]}
 */
public record PairedFolders(String root, List<FolderPair> folders) implements InputSpec {

    /**
     * @param images folder of images (PNG/JPEG), relative to root or absolute
     * @param labels folder of labels (PNG), relative to root or absolute
     * @param split  split of every pair in these folders, or null to assign splits by hash of the id
     */
    public record FolderPair(String images, String labels, String split) {
        public FolderPair {
            Checks.notBlank("folders.images", images);
            Checks.notBlank("folders.labels", labels);
            if (split != null) {
                Splits.requireName("folders.split", split);
            }
        }
    }

    public PairedFolders {
        Checks.notBlank("input.root", root);
        if (folders == null || folders.isEmpty()) {
            throw new IllegalArgumentException("input.folders must list at least one {images, labels} pair, found "
                    + folders);
        }
        folders = List.copyOf(folders);
    }

    /** One folder pair without a split (splits assigned by hash). */
    public static PairedFolders of(String root, String images, String labels) {
        return new PairedFolders(root, List.of(new FolderPair(images, labels, null)));
    }

    @Override
    public Listing list(Configuration conf) throws IOException {
        Path rootPath = new Path(root);
        FileSystem fs = rootPath.getFileSystem(conf);
        List<SourcePair> pairs = new ArrayList<>();
        List<QuarantineEntry> unpaired = new ArrayList<>();
        Map<String, String> firstImageById = new HashMap<>();
        for (FolderPair fp : folders) {
            Path imageDir = Listings.resolve(rootPath, fp.images());
            Path labelDir = Listings.resolve(rootPath, fp.labels());
            Map<String, FileStatus> images = byStem(fs, imageDir, "image", unpaired);
            Map<String, FileStatus> labels = byStem(fs, labelDir, "label", unpaired);
            for (Map.Entry<String, FileStatus> e : images.entrySet()) {
                String id = e.getKey();
                String imagePath = Listings.qualified(fs, e.getValue().getPath());
                FileStatus label = labels.get(id);
                if (label == null) {
                    unpaired.add(new QuarantineEntry(imagePath, "image without label: no file with stem " + id + " in "
                            + Listings.qualified(fs, labelDir)));
                    continue;
                }
                String previous = firstImageById.putIfAbsent(id, imagePath);
                if (previous != null) {
                    throw new IllegalArgumentException("duplicate sample id " + id + ": " + previous + " and " + imagePath
                            + "; ids are file stems and must be unique across input.folders");
                }
                pairs.add(new SourcePair(id, fp.split(), imagePath, Listings.qualified(fs, label.getPath()),
                        e.getValue().getLen(), label.getLen()));
            }
            for (Map.Entry<String, FileStatus> e : labels.entrySet()) {
                if (!images.containsKey(e.getKey())) {
                    unpaired.add(new QuarantineEntry(Listings.qualified(fs, e.getValue().getPath()),
                            "label without image: no file with stem " + e.getKey() + " in " + Listings.qualified(fs, imageDir)));
                }
            }
        }
        return new Listing(pairs, unpaired);
    }

    /**
     * Files of a folder by stem; stems shared by several files cannot be paired and are quarantined,
     * as are entries the listing cannot use ({@link Listings#files}).
     */
    private static Map<String, FileStatus> byStem(FileSystem fs, Path dir, String role, List<QuarantineEntry> unpaired)
            throws IOException {
        Map<String, List<FileStatus>> groups = Listings.files(fs, dir, role, unpaired).stream()
                .collect(Collectors.groupingBy(s -> Listings.stem(s.getPath().getName()), LinkedHashMap::new,
                        Collectors.toList()));
        Map<String, FileStatus> unique = new LinkedHashMap<>();
        for (Map.Entry<String, List<FileStatus>> g : groups.entrySet()) {
            if (g.getValue().size() == 1) {
                unique.put(g.getKey(), g.getValue().get(0));
            } else {
                String names = g.getValue().stream().map(s -> s.getPath().getName()).collect(Collectors.joining(", "));
                for (FileStatus s : g.getValue()) {
                    unpaired.add(new QuarantineEntry(Listings.qualified(fs, s.getPath()),
                            role + " stem " + g.getKey() + " is ambiguous: " + names + " in the same folder"));
                }
            }
        }
        return unique;
    }

    @Override
    public String describe() {
        return "paired-folders " + root + " " + folders.stream()
                .map(f -> f.images() + "+" + f.labels() + (f.split() == null ? "" : "->" + f.split()))
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
