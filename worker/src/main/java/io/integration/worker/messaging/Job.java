package io.integration.worker.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One input record on its way through the worker: decoded once on the poll thread, executed (and, after a
 * transient failure, executed again) on virtual threads, finished when its outputs are acknowledged.
 */
final class Job {

    final ConsumerRecord<byte[], byte[]> record;
    /** The tracker of the assignment that polled this record; completions for a replaced tracker are ignored. */
    final PartitionTracker tracker;
    /** The decoded request, or null when decoding failed; its prior attempts grow when it waits in place. */
    DecodedRequest decoded;
    /** Why decoding failed: a {@link PoisonRecordException} or a transient registry failure; null otherwise. */
    final RuntimeException decodeFailure;
    /** The ordering key this job is chained by within its partition, or null when it runs unordered. */
    final String chainKey;
    /** Transient failures so far; drives the backoff of the next try. */
    int transientFailures;
    /** Whether this worker already produced the dead letter (a retry must not produce it again). */
    boolean deadLettered;
    /** For a deferred request read back from the retry topic: when it may run; null otherwise. */
    final Deferral deferral;

    /** The not-before time and the attempts carried by a record of the retry topic. */
    record Deferral(java.time.Instant notBefore, int attempts) {
    }

    Job(ConsumerRecord<byte[], byte[]> record, PartitionTracker tracker, DecodedRequest decoded, RuntimeException decodeFailure,
        Deferral deferral) {
        this.record = record;
        this.tracker = tracker;
        this.decoded = deferral != null && decoded instanceof DecodedRequest.Valid v
                ? new DecodedRequest.Valid(v.request().withPriorAttempts(deferral.attempts()), v.format()) : decoded;
        this.decodeFailure = decodeFailure;
        this.deferral = deferral;
        // A deferred request left its ordering chain when it was deferred; it runs on its own when due.
        this.chainKey = deferral == null && decoded instanceof DecodedRequest.Valid v && v.request().orderingKey() != null
                ? v.request().orderingKey() : null;
    }

    /** After a wait in place (an ordered request the system asked to wait): the attempts made so far carry over. */
    void waitedInPlace(int attempts) {
        if (decoded instanceof DecodedRequest.Valid v) {
            decoded = new DecodedRequest.Valid(v.request().withPriorAttempts(attempts), v.format());
        }
    }

    String where() {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
