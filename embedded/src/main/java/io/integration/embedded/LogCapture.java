package io.integration.embedded;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every log line of this JVM while open, with the service's loggers ({@code io.integration}) at DEBUG: what a leak test
 * searches for secrets. {@link #close()} restores the level and detaches. Thread-safe.
 */
public final class LogCapture implements AutoCloseable {

    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final List<String> withContext = Collections.synchronizedList(new ArrayList<>());
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Level before;
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            lines.add(event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                    : "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy())));
            withContext.add(new java.util.TreeMap<>(event.getMDCPropertyMap()) + " " + event.getFormattedMessage());
        }
    };

    private LogCapture() {
        before = context.getLogger("io.integration").getLevel();
        context.getLogger("io.integration").setLevel(Level.DEBUG);
        appender.setContext(context);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    /** Starts capturing. */
    public static LogCapture start() {
        return new LogCapture();
    }

    /** A copy of the lines captured so far. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The lines captured so far, each after its MDC context: {@code {instanceId=i, requestId=r} message}. */
    public List<String> linesWithContext() {
        synchronized (withContext) {
            return List.copyOf(withContext);
        }
    }

    @Override
    public void close() {
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        context.getLogger("io.integration").setLevel(before);
    }
}
