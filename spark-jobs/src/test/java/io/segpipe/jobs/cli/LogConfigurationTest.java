package io.segpipe.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The log configurations segpipe's JVMs run with (conf/log4j2.properties: bin/segpipe, the tests,
 * the driver and executors deploy/submit.sh starts; the integration tests' Spark daemons) start
 * every line with the date and the time to the millisecond: each file is loaded with log4j2's own
 * properties parser, not started, and its appenders' layouts format one event of a known time.
 */
class LogConfigurationTest {

    private static final Path HOME = Path.of(System.getProperty("segpipe.home", ".."));

    /** The time of the event formatted: 2024-03-05 07:08:09.123 in the JVM's zone, as %d prints it. */
    private static final LocalDateTime WHEN = LocalDateTime.of(2024, 3, 5, 7, 8, 9, 123_000_000);

    private static Configuration load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Configuration config = new PropertiesConfigurationFactory()
                    .getConfiguration(new LoggerContext("log-configuration-test"), new ConfigurationSource(in, file.toFile()));
            config.initialize(); // builds the appenders and their layouts; nothing is started
            return config;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"conf/log4j2.properties",
        "integration-tests/src/test/resources/io/segpipe/it/fixture/daemon-log4j2.properties"})
    void everyLineStartsWithTheDateAndTimeToTheMillisecond(String file) throws IOException {
        Collection<Appender> appenders = load(HOME.resolve(file)).getAppenders().values();
        assertFalse(appenders.isEmpty(), file + " defines no appender");
        long millis = WHEN.atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
        String stamp = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").format(WHEN);
        for (Appender appender : appenders) {
            for (LogEvent event : List.of(event(millis, null), event(millis, new IllegalStateException("boom")))) {
                String text = new String(appender.getLayout().toByteArray(event), StandardCharsets.UTF_8);
                assertTrue(text.startsWith(stamp + " INFO  ScoreJob: segpipe score: 4/6 images"),
                        file + ", appender " + appender.getName() + ": " + text);
            }
        }
    }

    private static LogEvent event(long millis, Throwable thrown) {
        return Log4jLogEvent.newBuilder().setLoggerName("io.segpipe.jobs.score.ScoreJob").setLevel(Level.INFO)
                .setMessage(new SimpleMessage("segpipe score: 4/6 images")).setTimeMillis(millis).setThrown(thrown)
                .build();
    }
}
