package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.eval.EvalConfig;
import io.segpipe.jobs.eval.EvalFixtures;
import io.segpipe.jobs.eval.EvalJob;
import io.segpipe.jobs.score.ScoreConfig;
import io.segpipe.jobs.score.ScoreJob;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.schema.ShardFile;
import io.segpipe.prep.testkit.LocalSpark;

/**
 * A Parquet shard deleted between prep and the next job: training, evaluation and scoring each
 * refuse the dataset before any work, with the message of the reader's completeness check (split,
 * the missing shard, what the manifest lists against what was found), and write nothing.
 */
@ExtendWith(LocalSpark.class)
class MissingShardTest {
    @TempDir
    static Path tmp;
    static String dataset;
    static String expected;

    @BeforeAll
    static void deleteOneShard() throws IOException {
        Path source = Path.of(URI.create(TrainFixtures.dataset()));
        Path copy = tmp.resolve("dataset");
        FileUtils.copyDirectory(source.toFile(), copy.toFile());
        List<ShardFile> train = PreppedDataset.open(LocalSpark.session(), copy.toString()).manifest().shards().get("train");
        assertEquals(2, train.size(), "the fixture writes 2 train shards: " + train);
        ShardFile gone = train.get(0);
        Path dir = copy.resolve("data/split=train");
        Files.delete(dir.resolve(gone.file()));
        Files.deleteIfExists(dir.resolve("." + gone.file() + ".crc"));
        dataset = copy.toString();
        ShardFile left = train.get(1);
        expected = "split train of file:" + copy + ": shard " + gone.file() + " is missing (the manifest lists 2 shards, "
                + (gone.rows() + left.rows()) + " rows; 1 shard with " + left.rows() + " rows found)";
    }

    private static void refuses(Path out, Executable job) {
        IOException e = assertThrows(IOException.class, job);
        assertEquals(expected, e.getMessage());
        assertFalse(Files.exists(out), "nothing written at " + out);
    }

    @Test
    void trainingRefusesBeforeAnyWork() {
        Path out = tmp.resolve("train");
        refuses(out, () -> TrainJob.run(TrainFixtures.config(out).dataset(dataset).build(), LocalSpark.session()));
    }

    @Test
    void evaluationAndScoringRefuseBeforeAnyWork() throws IOException {
        String model = EvalFixtures.tinyModel(tmp.resolve("model"), TrainFixtures.spec());
        Path report = tmp.resolve("report");
        refuses(report, () -> EvalJob.run(EvalConfig.builder().model(model).data(dataset).split("train")
                .output(report.toString()).build(), LocalSpark.session()));
        Path scores = tmp.resolve("scores");
        refuses(scores, () -> ScoreJob.run(ScoreConfig.builder().model(model).data(dataset).output(scores.toString())
                .build(), LocalSpark.session()));
        assertTrue(Files.isDirectory(Path.of(model)), "the model is untouched");
    }
}
