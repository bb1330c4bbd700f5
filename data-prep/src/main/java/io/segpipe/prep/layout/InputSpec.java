package io.segpipe.prep.layout;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;

/**
 * Where the input is and how it is laid out; JSON property {@code layout} selects the kind:
 * {@code paired-folders}, {@code pascal-voc} or {@code manifest-csv}. Paths are Hadoop paths
 * (local, {@code hdfs://}, {@code s3a://}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "layout")
@JsonSubTypes({
    @JsonSubTypes.Type(value = PairedFolders.class, name = "paired-folders"),
    @JsonSubTypes.Type(value = PascalVoc.class, name = "pascal-voc"),
    @JsonSubTypes.Type(value = ManifestCsv.class, name = "manifest-csv"),
})
public sealed interface InputSpec permits PairedFolders, PascalVoc, ManifestCsv {

    /** Lists the pairs on the driver (metadata only, no file content is read except a manifest CSV). */
    Listing list(Configuration hadoopConf) throws IOException;

    /** One line for the manifest's {@code source} field. */
    String describe();
}
