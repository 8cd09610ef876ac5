package io.integration.worker.messaging;

import io.integration.worker.execution.ExecutionResult;
import io.integration.worker.execution.Outcome;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One input record on its way through the worker: decoded once on the poll thread, executed (and, after a
 * transient failure, tried again) on virtual threads, finished when its outputs are acknowledged.
 *
 * <p>A job runs on one thread at a time (a try starts only after the previous one ended, through a timer or
 * the chain), so its mutable state needs no locking; the fields it shares with the poll thread are final.
 */
final class Job {

    /** Which outputs a job is publishing: its answer, the substitute answer after a permanent failure, or its dead letter. */
    enum Stage { ANSWER, SUBSTITUTE, DEAD_LETTER }

    private final ConsumerRecord<byte[], byte[]> record;
    private final Claim claim;
    private final PoisonRecordException poison;
    private final String chainKey;
    private DecodedRequest decoded;
    private int transientFailures;
    private int countedFailures;
    private Stage stage;
    private boolean executed;
    private Substitute substitute;
    private DeadLetter deadLetter;
    private int deadLetterCompaction;
    private OutputPlanner.Answer answer;
    /** Whether the acknowledgements in {@link #acked} belong to an answer ([result, event]) rather than a single record. */
    private boolean answerShape;
    private List<ProducerRecord<byte[], byte[]>> outputs = List.of();
    private boolean[] acked = new boolean[0];

    private Job(ConsumerRecord<byte[], byte[]> record, Claim claim, DecodedRequest decoded, PoisonRecordException poison,
                String chainKey) {
        this.record = record;
        this.claim = claim;
        this.decoded = decoded;
        this.poison = poison;
        this.chainKey = chainKey;
    }

    /**
     * A decoded request. {@code deferredAttempts}: for a record read back from the retry topic, the calls made
     * before it was deferred (it left its ordering chain then and now runs on its own); null otherwise.
     */
    static Job of(ConsumerRecord<byte[], byte[]> record, Claim claim, DecodedRequest decoded, Integer deferredAttempts) {
        if (deferredAttempts != null) {
            DecodedRequest carried = decoded instanceof DecodedRequest.Valid v
                    ? new DecodedRequest.Valid(v.request().withPriorAttempts(deferredAttempts), v.format()) : decoded;
            return new Job(record, claim, carried, null, null);
        }
        String key = decoded instanceof DecodedRequest.Valid v ? v.request().orderingKey() : null;
        return new Job(record, claim, decoded, null, key);
    }

    /** A record that can never become a request: it goes to the dead-letter topic. */
    static Job poison(ConsumerRecord<byte[], byte[]> record, Claim claim, PoisonRecordException poison) {
        return new Job(record, claim, null, poison, null);
    }

    ConsumerRecord<byte[], byte[]> record() {
        return record;
    }

    TopicPartition partition() {
        return new TopicPartition(record.topic(), record.partition());
    }

    /** The decoded request, or null for poison. */
    DecodedRequest decoded() {
        return decoded;
    }

    /** Why the record is poison, or null. */
    PoisonRecordException poison() {
        return poison;
    }

    /** The ordering key this job is chained by within its partition, or null when it runs unordered. */
    String chainKey() {
        return chainKey;
    }

    /** Whether this job was polled under {@code current}, the partition's present assignment (or the record's lock). */
    boolean polledUnder(Claim current) {
        return claim == current;
    }

    /** What the job holds its record by. */
    Claim claim() {
        return claim;
    }

    /** Whether its record may be someone else's by now (partition revoked or lost, lock expired) since it was polled. */
    boolean abandoned() {
        return claim.abandoned();
    }

    /** Enters its ordering chain; true when it is the chain's head and may start now. */
    boolean enterChain() {
        return chainKey == null || claim.chains().enqueue(this);
    }

    /** Leaves its ordering chain after executing; returns the chain's next job to start, or null. */
    Job leaveChain() {
        return chainKey == null ? null : claim.chains().next(this);
    }

    /** After a wait in place (an ordered request the system asked to wait): the attempts made so far carry over. */
    void waitedInPlace(int attempts) {
        if (decoded instanceof DecodedRequest.Valid v) {
            decoded = new DecodedRequest.Valid(v.request().withPriorAttempts(attempts), v.format());
        }
    }

    /** Counts a transient failure and returns how many there were, for the backoff. */
    int transientFailure() {
        return ++transientFailures;
    }

    /** Counts a failure that may be the record's own fault and returns how many there were (bounded by the caller). */
    int countedFailure() {
        return ++countedFailures;
    }

    /** The stage being published: null before the first plan. */
    Stage stage() {
        return stage;
    }

    /**
     * The answer could not be published: it is replaced by an error result with {@code failure}, which is recorded in
     * the result log first and then published (on the default results topic) like any answer.
     */
    void substituteWith(ExecutionResult published, Outcome.Failure failure) {
        stage = Stage.SUBSTITUTE;
        substitute = new Substitute(published, failure, false);
        countedFailures = 0;
    }

    /** The substitute being published, or null. */
    Substitute substitute() {
        return substitute;
    }

    /** The substitute is in the result log: from now on every plan of the record publishes it. */
    void substituteRecorded() {
        substitute = new Substitute(substitute.published(), substitute.failure(), true);
    }

    /** Neither the answer nor its substitute can be published: dead-letter the original record from now on. */
    void deadLetterWith(DeadLetters.Stage where, Throwable cause) {
        stage = Stage.DEAD_LETTER;
        deadLetter = new DeadLetter(where, cause);
        acked = new boolean[0];
        countedFailures = 0;
    }

    /** Why the record is dead-lettered, when {@link #stage()} is DEAD_LETTER. */
    DeadLetter deadLetter() {
        return deadLetter;
    }

    /** How compact its dead letter must be ({@link DeadLetters#of}): 0 in full. */
    int deadLetterCompaction() {
        return deadLetterCompaction;
    }

    /** Its dead letter was too large: the next is sent with less; false when it cannot shrink further. */
    boolean compactDeadLetter() {
        if (deadLetterCompaction >= DeadLetters.MAX_COMPACTION) {
            return false;
        }
        deadLetterCompaction++;
        return true;
    }

    /** Whether the job executed once already (its ordering chain moved on then). */
    boolean executedOnce() {
        boolean was = executed;
        executed = true;
        return was;
    }

    /**
     * Sets the records of this try. Answers and substitutes are both [result, event]: what was acknowledged in an
     * earlier try (of the answer or its substitute) is not sent again — a second result would contradict the first,
     * and an event is published once. A plan of another shape (a deferral where an answer was) starts afresh.
     */
    void prepare(OutputPlanner.Answer answer, List<ProducerRecord<byte[], byte[]>> records) {
        if (stage == null) {
            stage = Stage.ANSWER;
        }
        if (acked.length != records.size() || (answer != null) != answerShape) {
            acked = new boolean[records.size()];
        }
        this.answerShape = answer != null;
        this.answer = answer;
        this.outputs = List.copyOf(records);
    }

    /** The answer being published (null for dead letters and deferrals). */
    OutputPlanner.Answer answer() {
        return answer;
    }

    /** The records of this try, in order. */
    List<ProducerRecord<byte[], byte[]>> outputs() {
        return outputs;
    }

    boolean acked(int index) {
        return acked[index];
    }

    void ack(int index) {
        acked[index] = true;
    }

    /**
     * Drops this try's records before waiting for the next: they are built again from the result log, so a worker
     * waiting out a broker outage with a thousand jobs does not keep a thousand encoded results on its heap.
     */
    void forgetOutputs() {
        outputs = List.of();
        answer = null;
    }

    /** The error result that replaces an answer, and whether it is recorded yet. */
    record Substitute(ExecutionResult published, Outcome.Failure failure, boolean recorded) {
    }

    /** Where and why a record is dead-lettered. */
    record DeadLetter(DeadLetters.Stage stage, Throwable cause) {
    }

    String where() {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
