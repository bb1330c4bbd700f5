package io.segpipe.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.segpipe.jobs.eval.EvalConfig;
import io.segpipe.jobs.retrain.RetrainConfig;
import io.segpipe.jobs.score.ScoreConfig;
import io.segpipe.jobs.train.TrainConfig;
import io.segpipe.prep.job.PrepConfig;

/** Every configuration shipped in conf/ binds to its job's config record, as the CLI would read it. */
class ConfFilesTest {
    private static final Path CONF = Path.of("..", "conf");
    private static final Map<String, Class<?>> TYPE_BY_PREFIX = Map.of(
            "prep-", PrepConfig.class,
            "train-", TrainConfig.class,
            "eval-", EvalConfig.class,
            "score-", ScoreConfig.class,
            "retrain-", RetrainConfig.class);

    static Stream<Path> jobConfigurations() throws IOException {
        try (Stream<Path> files = Files.list(CONF)) {
            List<Path> jobs = files.filter(f -> typeOf(f) != null).sorted().toList();
            assertFalse(jobs.isEmpty(), "no job configurations in " + CONF.toAbsolutePath());
            return jobs.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("jobConfigurations")
    void bindsToItsConfigRecord(Path file) {
        Class<?> type = typeOf(file);
        Object config = ConfigLoader.load(type, file.toString(), List.of());
        assertNotNull(config);
        assertEquals(type, config.getClass());
    }

    private static Class<?> typeOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".conf") && !name.endsWith(".json")) {
            return null;
        }
        return TYPE_BY_PREFIX.entrySet().stream().filter(e -> name.startsWith(e.getKey()))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }
}
