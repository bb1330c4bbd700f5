package io.segpipe.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.commons.io.FileUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.prep.InvalidInputException;
import io.segpipe.prep.fs.CompletionMarker;
import io.segpipe.prep.testkit.LocalSpark;

/** The evaluation report gets its completion marker last; the report's reader refuses a report without it. */
@ExtendWith(LocalSpark.class)
class EvalReportMarkerTest {

    @TempDir
    static Path tmp;
    private static EvalResult result;
    private static Path report;

    @BeforeAll
    static void evaluate() throws Exception {
        String data = EvalFixtures.syntheticDataset(LocalSpark.session(), tmp.resolve("data"), 6, 24);
        String model = EvalFixtures.tinyModel(tmp.resolve("model"), EvalFixtures.tinySpec(4, 3));
        report = tmp.resolve("report");
        result = EvalJob.run(EvalConfig.builder().model(model).data(data).output(report.toString()).examples(1).build(),
                LocalSpark.session());
    }

    private static FileSystem fs() throws Exception {
        return FileSystem.getLocal(new Configuration());
    }

    @Test
    void theMarkerIsWrittenWithTheReportAndTheReaderReturnsTheResult() throws Exception {
        CompletionMarker marker = CompletionMarker.require(fs(), new org.apache.hadoop.fs.Path(report.toUri()), "report");
        assertEquals(EvalReport.MARKER_KIND, marker.kind());
        assertEquals(Map.of("badImages", 0L, "images", 6L), marker.counts());
        assertEquals(Map.of("model", result.model(), "data", result.data(), "split", "val"), marker.inputs());
        EvalResult read = EvalReport.read(fs(), new org.apache.hadoop.fs.Path(report.toUri()));
        assertEquals(result.metrics().meanIoU(), read.metrics().meanIoU());
        assertEquals(result.images(), read.images());
        assertEquals(result.confusionMatrix(), read.confusionMatrix());
    }

    @Test
    void aReportWithoutItsMarkerIsRefusedNamingThePathAndWhatToDo() throws Exception {
        Path copy = tmp.resolve("unmarked");
        FileUtils.copyDirectory(report.toFile(), copy.toFile());
        Files.delete(copy.resolve(CompletionMarker.FILE_NAME));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> EvalReport.read(fs(), new org.apache.hadoop.fs.Path(copy.toString())));
        assertEquals("evaluation report file:" + copy + " is not complete: it has no _segpipe_complete.json (it is being"
                + " written, or the run writing it did not finish); run segpipe eval again, or point at a complete report",
                e.getMessage());
    }
}
