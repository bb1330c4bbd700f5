package io.segpipe.prep.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * The messages segpipe logs at INFO and above while it is open, for tests of what a job tells its
 * operator (progress and epoch lines):
 *
 * <pre>{@code
 * try (LogLines log = LogLines.capture()) {
 *     PrepJob.run(config, spark);
 *     assertTrue(log.messages().stream().anyMatch(m -> m.startsWith("segpipe prep: ")));
 * }
 * }</pre>
 */
public final class LogLines implements AutoCloseable {
    private static final String SEGPIPE = "io.segpipe";

    private final List<String> messages = Collections.synchronizedList(new ArrayList<>());
    private final LoggerContext context;
    private final LoggerConfig logger;
    private final AbstractAppender appender;

    private LogLines() {
        context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        appender = new AbstractAppender("test-capture-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                messages.add(event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        LoggerConfig found = config.getLoggerConfig(SEGPIPE);
        if (!found.getName().equals(SEGPIPE)) { // no logger configured for segpipe: add one that keeps the root's output
            found = new LoggerConfig(SEGPIPE, Level.INFO, true);
            config.addLogger(SEGPIPE, found);
        }
        logger = found;
        logger.addAppender(appender, Level.INFO, null);
        context.updateLoggers();
    }

    /** Starts capturing what segpipe's loggers log at INFO and above. */
    public static LogLines capture() {
        return new LogLines();
    }

    /** The messages logged so far, in order. */
    public List<String> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    @Override
    public void close() {
        logger.removeAppender(appender.getName());
        appender.stop();
        context.updateLoggers();
    }
}
