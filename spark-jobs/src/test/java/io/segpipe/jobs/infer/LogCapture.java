package io.segpipe.jobs.infer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * The log lines one logger writes while a test runs, as {@code "LEVEL message"}: for tests that
 * assert a job warns. Close it to detach.
 */
public final class LogCapture implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger;
    private final Level previousLevel;
    private final AbstractAppender appender;

    private LogCapture(Class<?> type) {
        logger = ((LoggerContext) LogManager.getContext(false)).getLogger(type.getName());
        previousLevel = logger.getLevel();
        appender = new AbstractAppender("capture-" + type.getSimpleName(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        logger.addAppender(appender);
        if (!logger.isEnabled(Level.INFO)) {
            logger.setLevel(Level.INFO);
        }
    }

    /** Captures what the logger named after {@code type} writes from now on. */
    public static LogCapture of(Class<?> type) {
        return new LogCapture(type);
    }

    /** The lines captured so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The captured warnings, without the level. */
    public List<String> warnings() {
        return lines.stream().filter(l -> l.startsWith("WARN ")).map(l -> l.substring(5)).toList();
    }

    @Override
    public void close() {
        logger.removeAppender(appender);
        appender.stop();
        logger.setLevel(previousLevel);
    }
}
