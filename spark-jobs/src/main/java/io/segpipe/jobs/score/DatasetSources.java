package io.segpipe.jobs.score;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import io.segpipe.prep.Json;
import io.segpipe.prep.fs.PathOverlap;
import io.segpipe.prep.layout.InputSpec;
import io.segpipe.prep.layout.ManifestCsv;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.layout.PascalVoc;
import io.segpipe.prep.layout.SourcePair;
import io.segpipe.prep.schema.DatasetManifest;

/**
 * The files a prepared dataset was made from, as far as its manifest's prep configuration tells,
 * so that scoring it does not write over them: for {@code paired-folders} each images and labels
 * folder; for {@code pascal-voc} its root; for {@code manifest-csv} the CSV file and the folders of
 * the images and labels it lists (read again when the CSV still exists; its ids are the image paths,
 * so these are the folders a mask named after an id used to land in).
 *
 * <p>What is not known is left out: relative paths (they were resolved against the prep run's
 * working directory, which is not recorded), and every source of a manifest without a readable
 * input.
 */
final class DatasetSources {

    private static final Logger LOG = LoggerFactory.getLogger(DatasetSources.class);
    static final String ROLE = "dataset source";

    private DatasetSources() {
    }

    /** The known sources of the dataset whose manifest is {@code manifest}, canonical. */
    static List<PathOverlap.Place> of(DatasetManifest manifest, Configuration conf) throws IOException {
        InputSpec input = input(manifest.prepConfig());
        if (input == null) {
            return List.of();
        }
        Set<Path> paths = new LinkedHashSet<>();
        if (input instanceof PairedFolders folders) {
            for (PairedFolders.FolderPair pair : folders.folders()) {
                addResolved(paths, folders.root(), pair.images());
                addResolved(paths, folders.root(), pair.labels());
            }
        } else if (input instanceof PascalVoc voc) {
            addAbsolute(paths, new Path(voc.root()));
        } else if (input instanceof ManifestCsv csv) {
            addAbsolute(paths, new Path(csv.path()));
            if (new Path(csv.path()).isAbsolute()) {
                paths.addAll(listedFolders(csv, conf));
            }
        }
        List<PathOverlap.Place> places = new ArrayList<>(paths.size());
        for (Path p : paths) {
            places.add(new PathOverlap.Place(ROLE, PathOverlap.canonical(p, conf)));
        }
        return places;
    }

    private static InputSpec input(JsonNode prepConfig) {
        JsonNode input = prepConfig == null ? null : prepConfig.get("input");
        if (input == null || input.isNull()) {
            return null;
        }
        try {
            return Json.read(input.toString(), InputSpec.class);
        } catch (IllegalArgumentException e) {
            LOG.warn("The dataset manifest's input cannot be read ({}); the output is checked against the dataset "
                    + "folder only", e.getMessage());
            return null;
        }
    }

    /** {@code child} against {@code root}, as the layouts resolve it, when the result is absolute. */
    private static void addResolved(Set<Path> paths, String root, String child) {
        Path c = new Path(child);
        addAbsolute(paths, c.isAbsolute() || c.toUri().getScheme() != null ? c : new Path(new Path(root), child));
    }

    private static void addAbsolute(Set<Path> paths, Path p) {
        if (p.isAbsolute()) {
            paths.add(p);
        }
    }

    /** The folders of the images and labels the CSV lists, or none when it cannot be read any more. */
    private static Set<Path> listedFolders(ManifestCsv csv, Configuration conf) {
        Set<Path> folders = new LinkedHashSet<>();
        try {
            for (SourcePair pair : csv.list(conf).pairs()) {
                folders.add(new Path(pair.imagePath()).getParent());
                folders.add(new Path(pair.labelPath()).getParent());
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("The dataset's manifest CSV {} cannot be read ({}); the output is checked against the dataset "
                    + "folder and the CSV only", csv.path(), e.toString());
        }
        return folders;
    }
}
