package io.segpipe.jobs.score;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

import io.segpipe.jobs.infer.InputChecks;
import io.segpipe.jobs.infer.LoadedModel;
import io.segpipe.prep.fs.PathOverlap;
import io.segpipe.prep.schema.ClassTable;

/**
 * A folder or glob of PNG/JPEG images as scoring input ({@link ImageListing}): the rows name the
 * files, which the executors read, and the configured class table (or a default one) names the
 * classes. Images are spread over about 256 per partition unless the partitions are configured.
 * The source is the folder, or the glob's fixed leading folders.
 */
record FolderInput(ClassTable classes, Dataset<Row> rows, long images, int partitions, List<PathOverlap.Place> sources)
        implements ScoreInput {

    private static final int IMAGES_PER_PARTITION = 256;

    /**
     * @throws IOException              when the folder cannot be listed
     * @throws IllegalArgumentException when the model's class count is not the class table's, or
     *                                  there is no image
     */
    static FolderInput open(ScoreConfig config, LoadedModel model, SparkSession spark) throws IOException {
        ClassTable classes = config.classes() != null ? config.classes() : defaultClasses(model.spec().numClasses());
        InputChecks.requireSameClassCount(model, classes, "classes");
        List<ImageListing.Entry> listing = ImageListing.list(config.images(), spark.sparkContext().hadoopConfiguration());
        if (listing.isEmpty()) {
            throw new IllegalArgumentException("empty input: no PNG or JPEG images (.png, .jpg, .jpeg) in "
                    + config.images());
        }
        List<Row> rows = new ArrayList<>(listing.size());
        for (ImageListing.Entry e : listing) {
            rows.add(RowFactory.create(e.id(), e.path(), null));
        }
        int partitions = config.partitions() > 0 ? config.partitions()
                : (int) Math.max(spark.sparkContext().defaultParallelism(),
                        (listing.size() + IMAGES_PER_PARTITION - 1) / IMAGES_PER_PARTITION);
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        List<PathOverlap.Place> sources = List.of(new PathOverlap.Place("images",
                PathOverlap.canonical(ImageListing.root(config.images()), hadoop)));
        return new FolderInput(classes, spark.createDataFrame(rows, SCHEMA), listing.size(), partitions, sources);
    }

    /** Class names "class 0".. and Pascal VOC palette colours, for a folder of images without a class table. */
    static ClassTable defaultClasses(int numClasses) {
        String[] names = new String[numClasses];
        for (int i = 0; i < numClasses; i++) {
            names[i] = "class " + i;
        }
        return ClassTable.of(null, names);
    }
}
