package io.integration.worker.messaging;

import io.integration.wire.SchemaRegistryException;
import io.integration.worker.execution.OwnershipLostException;
import io.integration.registry.store.StoreUnavailableException;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Classifies a failure on the output path: worth waiting out, or the record's own fault.
 *
 * <p>{@link Kind#TRANSIENT}: the infrastructure is unavailable (broker, MongoDB, registry); tried again with
 * backoff, without limit. {@link Kind#PERMANENT}: the same record will fail the same way (too large, an invalid
 * or forbidden topic, a serialization failure). {@link Kind#SUSPECT}: could be either (a reply topic that does
 * not appear while the worker's own topics are written fine, an unexpected exception): tried again, but at
 * most {@code worker.max.publish.attempts} times, then treated as permanent.
 */
final class SendFailures {

    /** How a failure is handled. */
    enum Kind { TRANSIENT, SUSPECT, PERMANENT }

    private SendFailures() {
    }

    /**
     * @param replyTopic whether the failed record went to a requester's {@code replyTo} topic (not one of the worker's own)
     * @param brokerUp whether the broker takes the worker's other writes (its other outputs, or others lately)
     */
    static Kind ofSend(Throwable failure, boolean replyTopic, boolean brokerUp) {
        Throwable e = unwrap(failure);
        if (e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException || e instanceof SerializationException) {
            return Kind.PERMANENT;
        }
        if (e instanceof InvalidTopicException || e instanceof TopicAuthorizationException) {
            // A requester's topic: its own problem. One of the worker's: a deployment problem every record shares —
            // waiting for the operator beats dead-lettering the whole stream.
            return replyTopic ? Kind.PERMANENT : Kind.TRANSIENT;
        }
        if (replyTopic && brokerUp && neverSent(e)) {
            // The worker's own topics take writes, this one does not appear: the topic is missing, not the broker.
            return Kind.SUSPECT;
        }
        if (e instanceof RetriableException) {
            return Kind.TRANSIENT;
        }
        // An unexpected broker answer for a requester's topic may be that topic's; on the worker's own topics, and for
        // fatal client states (authentication, a closed producer), a bounded count would dead-letter every record of
        // the partition: those are retried, loudly.
        return replyTopic && e instanceof org.apache.kafka.common.errors.ApiException ? Kind.SUSPECT : Kind.TRANSIENT;
    }

    /**
     * Whether the record certainly never reached the broker: its topic was unknown, or the producer timed out waiting
     * for the topic's metadata. A delivery timeout of a batch already sent is ambiguous (it may be written) and is not
     * counted here: substituting an answer that may already be out would publish two different results.
     */
    private static boolean neverSent(Throwable e) {
        return e instanceof UnknownTopicOrPartitionException
                || (e instanceof TimeoutException && String.valueOf(e.getMessage()).contains("not present in metadata"));
    }

    /** Whether a failure while planning a record's outputs (executing, encoding) is the infrastructure's, not the record's. */
    static boolean transientWhilePlanning(Throwable failure) {
        Throwable e = unwrap(failure);
        return e instanceof StoreUnavailableException || e instanceof RetriableException || e instanceof OwnershipLostException
                || (e instanceof SchemaRegistryException s && s.retriable());
    }

    /** Whether {@code failure} is a record too large for the producer or the topic. */
    static boolean tooLarge(Throwable failure) {
        Throwable e = unwrap(failure);
        return e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException;
    }

    static Throwable unwrap(Throwable failure) {
        Throwable e = failure;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
