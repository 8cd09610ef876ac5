package io.integration.worker.messaging;

/**
 * What a {@link Job} holds its record by: one assignment of a partition in the consumer-group loop
 * ({@link PartitionTracker}), or the record's acquisition lock in queue mode ({@link QueueWorker}).
 * Worker threads read it; the poll thread ends it.
 */
interface Claim {

    /** Whether the record may be someone else's by now (partition revoked or lost, lock expired): nothing more is published for it. */
    boolean abandoned();

    /** The ordering chains of the claim's records; only asked for a job that has an ordering key. */
    OrderingChains chains();
}
