package io.segpipe.prep.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.prep.fs.PathOverlap.Place;
import io.segpipe.prep.fs.PathOverlap.Relation;

/** Same, inside and containing are told apart on qualified paths of one file system, with local links resolved. */
class PathOverlapTest {

    @TempDir
    java.nio.file.Path tmp;

    private static Relation rel(String a, String b) {
        return PathOverlap.relation(new Path(a), new Path(b));
    }

    @Test
    void relationsOnOneFileSystemOnly() {
        assertEquals(Relation.SAME, rel("hdfs://nn:8020/data/in", "hdfs://nn:8020/data/in"));
        assertEquals(Relation.INSIDE, rel("hdfs://nn:8020/data/in/out", "hdfs://nn:8020/data/in"));
        assertEquals(Relation.CONTAINS, rel("hdfs://nn:8020/data", "hdfs://nn:8020/data/in"));
        assertEquals(Relation.CONTAINS, rel("file:/", "file:/data/in"), "a root contains everything");
        assertNull(rel("hdfs://nn:8020/data/in2", "hdfs://nn:8020/data/in"), "a common name prefix is not inside");
        assertNull(rel("hdfs://nn:8020/data/in", "hdfs://other:8020/data/in"), "another cluster");
        assertNull(rel("s3a://bucket/data/in", "hdfs://bucket/data/in"), "another scheme");
        assertNull(rel("file:/data/in", "hdfs://nn:8020/data/in"), "local and HDFS");
        assertEquals(Relation.SAME, rel("hdfs://NN:8020/data/in", "HDFS://nn:8020/data/in"), "host and scheme ignore case");
        assertEquals(Relation.INSIDE, rel("hdfs://nn/data/in/x", "hdfs://nn:8020/data/in"), "no port matches the port");
        assertNull(rel("hdfs://nn:9000/data/in", "hdfs://nn:8020/data/in"));
        assertNull(rel("file:/data/In", "file:/data/in"), "case matters on case-sensitive file systems");
    }

    @Test
    void canonicalQualifiesNormalisesAndResolvesLocalLinks() throws IOException {
        Configuration conf = new Configuration();
        java.nio.file.Path real = Files.createDirectories(tmp.resolve("real/in"));
        java.nio.file.Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("real"));
        Path viaLink = PathOverlap.canonical(link + "/in/scores", conf);
        assertEquals(new Path("file", null, real.toRealPath() + "/scores"), viaLink, "missing tail kept, link resolved");
        assertEquals(Relation.INSIDE, PathOverlap.relation(viaLink, PathOverlap.canonical(real.toString(), conf)));
        assertEquals(PathOverlap.canonical(real.toString(), conf),
                PathOverlap.canonical(tmp + "/real//in/../in/", conf), "// and .. and a trailing slash");
        String cwd = System.getProperty("user.dir");
        assertEquals(PathOverlap.canonical(cwd + "/rel/x", conf), PathOverlap.canonical("rel/x", conf),
                "relative to the working directory");
        assertEquals(new Path("file", null, "/a/10:00:01"), PathOverlap.canonical(new Path("file", null, "/a/10:00:01"), conf));
    }

    @Test
    void requireApartNamesBothPlacesAndTheRelation() {
        Place out = new Place("output", new Path("hdfs://nn:8020/data/in/scores"));
        List<Place> inputs = List.of(new Place("model", new Path("hdfs://nn:8020/models/m")),
                new Place("images", new Path("hdfs://nn:8020/data/in")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PathOverlap.requireApart(out, inputs));
        assertEquals("output hdfs://nn:8020/data/in/scores is inside images hdfs://nn:8020/data/in: writing output there "
                + "would overwrite images files (and overwrite would delete them); choose another output path, apart from "
                + "hdfs://nn:8020/data/in", e.getMessage());
        PathOverlap.requireApart(new Place("output", new Path("hdfs://nn:8020/data/scores")), inputs);
    }
}
