package io.integration.topology.input;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record the topology cannot read is logged (where it is and why, never its bytes), counted and skipped: one bad
 * record on an input topic never stops the application. The count is per process ({@link #skipped()}). A record that
 * could not be read only because the schema registry did not answer is not skipped: the task fails, its thread is
 * replaced, and the record is read again from the last commit.
 */
public final class SkipUnreadable implements DeserializationExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(SkipUnreadable.class);
    private static final AtomicLong SKIPPED = new AtomicLong();

    public static long skipped() {
        return SKIPPED.get();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof WireInputs.RegistryUnavailableException) {
            log.warn("Cannot read {}-{}@{} now: {}; the stream thread stops and is replaced, and reads it again", context.topic(),
                    context.partition(), context.offset(), oneLine(exception.getMessage()));
            return Response.fail();
        }
        long n = SKIPPED.incrementAndGet();
        log.warn("Skipped an unreadable record at {}-{}@{} ({} so far): {}", context.topic(), context.partition(), context.offset(), n,
                oneLine(exception.getMessage()));
        return Response.resume();
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("[\\r\\n]+", " ");
    }
}
