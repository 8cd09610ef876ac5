package io.integration.worker.messaging;

import io.integration.worker.execution.ExecutionRequest;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers that mark a replayed record: which replay it belongs to, whether it was forced, and where the original
 * was read (topic, partition, offset). A worker reads the first two; the others are for people and tools downstream.
 */
public final class ReplayHeaders {

    public static final String PREFIX = "integration.replay.";
    public static final String ID = PREFIX + "id";
    public static final String FORCE = PREFIX + "force";
    public static final String TOPIC = PREFIX + "topic";
    public static final String PARTITION = PREFIX + "partition";
    public static final String OFFSET = PREFIX + "offset";

    private ReplayHeaders() {
    }

    /**
     * The headers of {@code original} replayed as part of {@code replay}: its own headers, without those of an earlier replay,
     * of a dead letter ({@code integration.error.*}) or of a deferral, plus this replay's.
     */
    public static Headers of(ConsumerRecord<byte[], byte[]> original, ExecutionRequest.Replay replay) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : original.headers()) {
            String key = h.key();
            if (!key.startsWith(PREFIX) && !key.startsWith(DeadLetters.PREFIX) && !key.equals(Deferrals.NOT_BEFORE)
                    && !key.equals(Deferrals.ATTEMPTS)) {
                headers.add(key, h.value());
            }
        }
        add(headers, ID, replay.id());
        add(headers, FORCE, Boolean.toString(replay.force()));
        add(headers, TOPIC, original.topic());
        add(headers, PARTITION, Integer.toString(original.partition()));
        add(headers, OFFSET, Long.toString(original.offset()));
        return headers;
    }

    /** The replay a record belongs to, or null when it carries no (or an empty) replay id. */
    public static ExecutionRequest.Replay read(Headers headers) {
        Header id = headers.lastHeader(ID);
        if (id == null || id.value() == null || id.value().length == 0) {
            return null;
        }
        Header force = headers.lastHeader(FORCE);
        return new ExecutionRequest.Replay(new String(id.value(), StandardCharsets.UTF_8),
                force != null && force.value() != null && "true".equals(new String(force.value(), StandardCharsets.UTF_8)));
    }

    private static void add(RecordHeaders headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
