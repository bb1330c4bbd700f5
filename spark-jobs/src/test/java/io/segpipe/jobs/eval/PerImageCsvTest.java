package io.segpipe.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.prep.InvalidInputException;

/** {@link EvalReport#readPerImage} reads back what {@link EvalReport#writePerImageCsv} wrote. */
class PerImageCsvTest {

    @TempDir
    Path tmp;

    @Test
    void roundTripsIdsWithCommasQuotesAndUndefinedScores() throws Exception {
        List<ImageScore> scores = List.of(new ImageScore("plain", 0.25, 0.5, 100, 3, 2),
                new ImageScore("a,b \"quoted\"", 0.125, 0.75, 64, 0, 1),
                new ImageScore("all-ignored", Double.NaN, Double.NaN, 0, 64, 0));
        StringWriter w = new StringWriter();
        EvalReport.writePerImageCsv(scores, w);
        Files.writeString(tmp.resolve(EvalReport.PER_IMAGE), w.toString());
        FileSystem fs = FileSystem.getLocal(new Configuration());
        List<ImageScore> read = EvalReport.readPerImage(fs, new org.apache.hadoop.fs.Path(tmp.toUri()));
        assertEquals(scores, read);
    }

    @Test
    void aTableOfAnotherShapeIsRefusedNamingTheLine() throws Exception {
        Files.writeString(tmp.resolve(EvalReport.PER_IMAGE), EvalReport.PER_IMAGE_HEADER + "\nx,0.5,0.5,10\n");
        FileSystem fs = FileSystem.getLocal(new Configuration());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> EvalReport.readPerImage(fs, new org.apache.hadoop.fs.Path(tmp.toUri())));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }
}
