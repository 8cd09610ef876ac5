package io.integration.worker.messaging;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One input record on its way through the worker. {@link #done} completes normally once every output
 * record is acknowledged by the broker, or exceptionally when the record must be processed again
 * (transient failure: store or registry unavailable, output not acknowledged).
 */
final class Job {

    final ConsumerRecord<byte[], byte[]> record;
    /** The decoded request, or null when decoding failed. */
    final DecodedRequest decoded;
    /** Why decoding failed: a {@link PoisonRecordException} or a transient registry failure; null otherwise. */
    final RuntimeException decodeFailure;
    final CompletableFuture<Void> done = new CompletableFuture<>();

    Job(ConsumerRecord<byte[], byte[]> record, DecodedRequest decoded, RuntimeException decodeFailure) {
        this.record = record;
        this.decoded = decoded;
        this.decodeFailure = decodeFailure;
    }

    /** Records sharing a chain key run one after another; the key is unique for unordered requests. */
    String chainKey() {
        if (decoded instanceof DecodedRequest.Valid v && v.request().orderingKey() != null) {
            return record.partition() + "|" + v.request().orderingKey();
        }
        return record.partition() + "@" + record.offset();
    }

    /** Whether the record completed and its outputs were acknowledged; call after {@link #done} completed. */
    boolean succeeded() {
        return done.isDone() && !done.isCompletedExceptionally();
    }
}
