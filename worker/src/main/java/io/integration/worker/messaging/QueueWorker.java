package io.integration.worker.messaging;

import io.integration.wire.SchemaRegistryException;
import io.integration.worker.execution.ExecutionRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicIdPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queue mode: the poll-thread side of a worker that reads requests from a share group (KIP-932). The records of a
 * partition are shared by every worker of the group, so workers scale past the partition count; there is no order.
 * Execution and publishing are the same {@link JobRunner}'s as in the consumer-group loop; only acquiring and
 * acknowledging differ.
 *
 * <p>The acknowledgement contract (explicit mode):
 * <ul>
 *   <li>{@code ACCEPT} once the record's result and event (or its deferral to the retry topic) are acknowledged by the broker;</li>
 *   <li>{@code REJECT} once a poison record's dead letter is acknowledged;</li>
 *   <li>{@code RENEW} for a record still running when half its lock has passed, so a slow call is not delivered to another
 *       worker while it runs;</li>
 *   <li>{@code RELEASE} for a record the worker gives back unfinished: on stop, or after a stall that may have cost its lock.</li>
 * </ul>
 * A transient failure (MongoDB, the registry, the broker) is tried again in place, the lock renewed meanwhile, rather than
 * released: every release counts as a delivery, and the broker archives — drops — a record past the group's delivery limit,
 * so a short outage would otherwise lose requests.
 *
 * <p>The share consumer requires every record of a poll to be acknowledged before the next poll, and a renewed record
 * comes back in a later poll. So the loop polls only when the records it holds are done, when a renewal is due, or to
 * get renewed records back; in between it waits for jobs to finish. A poll acquires at most {@code maxInFlight} records
 * ({@code share.acquire.mode=record_limit}): nothing is acquired that the worker cannot start at once, because acquired
 * records count against their lock. The cost of that model: a worker takes its next records once its current ones are
 * done, so one slow call delays its worker's next poll (other workers keep acquiring).
 */
public final class QueueWorker implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(QueueWorker.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    /** How long the loop sleeps between looks at finished jobs when it has nothing to poll for. */
    private static final long IDLE_NANOS = Duration.ofMillis(2).toNanos();
    private static final Duration DECODE_RETRY = Duration.ofSeconds(1);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Limits of the loop.
     *
     * @param topic the queue topic
     * @param lockDuration the share group's acquisition lock
     */
    record Limits(String topic, int maxInFlight, Duration drainTimeout, Duration lockDuration) {
        Limits {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("worker.max.in.flight: " + maxInFlight + " (expected: >= 1)");
            }
        }

        /** Records still running are renewed once this much of their lock has passed. */
        Duration renewAfter() {
            return lockDuration.dividedBy(2);
        }

        /** A loop that does not turn for this long may have lost locks: calls wait until it knows (the fence). */
        Duration lease() {
            return lockDuration.dividedBy(3);
        }
    }

    /** One acquired record: its lock, how it is to be acknowledged. A job holds it as its {@link Claim}. */
    private static final class Held implements Claim {
        final String key;
        ConsumerRecord<byte[], byte[]> record;
        /** When its lock was taken or last renewed ({@link System#nanoTime()}, when the poll returned it). */
        long lockedNanos;
        /** Returned by the last poll and not acknowledged yet: it must be, before the next poll. */
        boolean delivered;
        /** When its renewal was sent ({@link System#nanoTime()}); meaningful while it is not delivered. */
        long renewedNanos;
        /** How it is to be acknowledged once its job finished; null while it runs. */
        AcknowledgeType outcome;
        /** Not decoded yet (its schema could not be fetched): decoded again then; null otherwise. */
        Instant decodeAgain;
        /** Whether a job of this record is waiting or running (it comes back through the runner). */
        boolean job;
        volatile boolean abandoned;

        Held(String key, ConsumerRecord<byte[], byte[]> record) {
            this.key = key;
            this.record = record;
        }

        boolean running() {
            return outcome == null && !abandoned;
        }

        @Override
        public boolean abandoned() {
            return abandoned;
        }

        @Override
        public OrderingChains chains() {
            throw new IllegalStateException("records of the queue are never chained (an orderingKey is refused)");
        }
    }

    /** Makes a new share consumer: the first, and one to replace a consumer whose state no longer matches the loop's. */
    private final java.util.function.Supplier<ShareConsumer<byte[], byte[]>> consumers;
    private ShareConsumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final RequestDecoder decoder;
    private final JobRunner runner;
    private final Limits limits;
    private final OwnershipFence fence;
    private final Clock clock;
    /** Acquired records not finally acknowledged yet, by topic-partition@offset, in poll order. */
    private final Map<String, Held> held = new LinkedHashMap<>();
    /** Decoded, not started yet: the worker already runs {@code maxInFlight} jobs. */
    private final ArrayDeque<Job> waiting = new ArrayDeque<>();
    private final FailureLog failures = new FailureLog(log);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile long drainDeadline = Long.MAX_VALUE;
    private volatile RequestWorker.LoopState state = new RequestWorker.LoopState(false, 0, 0, System.nanoTime());
    private long acknowledged;

    QueueWorker(java.util.function.Supplier<ShareConsumer<byte[], byte[]>> consumers, Producer<byte[], byte[]> producer,
                RequestDecoder decoder, JobRunner runner, Limits limits, OwnershipFence fence, Clock clock) {
        this.consumers = consumers;
        this.consumer = consumers.get();
        this.producer = producer;
        this.decoder = decoder;
        this.runner = runner;
        this.limits = limits;
        this.fence = fence;
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            subscribe();
            while (!stopping) {
                cycle();
            }
            drain();
        } catch (RuntimeException e) {
            log.error("Queue loop failed; closing", e);
            throw e;
        } finally {
            close();
        }
    }

    private void subscribe() {
        consumer.setAcknowledgementCommitCallback(this::committed);
        consumer.subscribe(java.util.List.of(limits.topic()));
    }

    /**
     * The consumer refuses to poll although every record it returned was acknowledged: its view of what is in flight and the
     * loop's no longer agree (seen on Kafka 4.4 under renewals: the client keeps a renewed record that no poll returned and
     * that cannot be acknowledged). Nothing is lost by starting over: the consumer is closed, which releases what it
     * acquired; every held record is given up (its job publishes nothing more) and delivered again, answered from the
     * result log where it was done. Costs a delivery per record held.
     */
    private void replaceConsumer(IllegalStateException cause) {
        log.warn("The share consumer refuses to poll ({}) with {} record(s) held; it is replaced and they are given back", cause.getMessage(),
                held.size());
        held.values().forEach(h -> h.abandoned = true);
        held.clear();
        waiting.clear();
        try {
            consumer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.warn("Closing the replaced share consumer failed: {}", e.toString());
        }
        consumer = consumers.get();
        subscribe();
        failures.warn("consumer-replaced", "Share consumer replaced ({} so far)", failures.count("consumer-replaced") + 1);
    }

    /** Asks the loop to stop acquiring, finish what it holds within the drain timeout, give back the rest and close. Returns at once. */
    public void stop() {
        if (!stopping) {
            drainDeadline = System.nanoTime() + limits.drainTimeout().toNanos();
            stopping = true;
        }
    }

    /** Closes the clients of a loop that was never run. */
    public void abandon() {
        close();
    }

    /** Waits until the loop has closed its clients. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The loop's state at the end of its last cycle (any thread); {@code assigned} once a poll answered. */
    public RequestWorker.LoopState state() {
        return state;
    }

    private void cycle() {
        collectFinished();
        forgetLostRenewals();
        decodeDue();
        startWaiting();
        fence.polled(this::settleAfterStall);
        if (pollDue()) {
            acknowledgeDelivered(false);
            poll(false);
        } else {
            LockSupport.parkNanos(IDLE_NANOS);
        }
        state = new RequestWorker.LoopState(state.assigned(), held.size(), 0, System.nanoTime());
    }

    /**
     * A renewal that has not come back within a lock never will: the broker refused it without saying so, or gave the record
     * to another worker (a leader change, a fenced member). The record is someone else's: a running job publishes nothing more,
     * a finished one is forgotten (the other worker answers it from the result log).
     */
    private void forgetLostRenewals() {
        long now = System.nanoTime();
        for (Iterator<Held> it = held.values().iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (!h.delivered && h.renewedNanos != 0 && now - h.renewedNanos >= limits.lockDuration().toNanos()) {
                failures.warn("renewal", "Record {} did not come back from its renewal within {}; left to the worker it went to", h.key,
                        limits.lockDuration());
                h.abandoned = true;
                if (!h.job) {
                    it.remove(); // else removed when its job finishes
                }
            }
        }
    }

    /**
     * Whether to poll now: nothing held, everything held done (acknowledge it and take more), a renewal due, or a renewed
     * record to get back. Otherwise a poll would only renew running records for nothing.
     */
    private boolean pollDue() {
        long now = System.nanoTime();
        boolean running = false;
        for (Held h : held.values()) {
            if (h.running()) {
                running = true;
                if (!h.delivered || now - h.lockedNanos >= limits.renewAfter().toNanos()) {
                    return true;
                }
            } else if (!h.delivered && h.outcome != null) {
                return true; // finished while its renewal was on its way: get it back to acknowledge it
            }
        }
        return !running;
    }

    /** Acknowledges every record the last poll returned: done ones by their outcome, running ones RENEW (RELEASE when {@code giveBack}). */
    private void acknowledgeDelivered(boolean giveBack) {
        java.util.Map<AcknowledgeType, Integer> sent = new java.util.EnumMap<>(AcknowledgeType.class);
        try {
            acknowledgeDelivered(giveBack, sent);
        } finally {
            if (log.isDebugEnabled() && !sent.isEmpty()) {
                long renewing = held.values().stream().filter(h -> !h.delivered && !h.abandoned).count();
                log.debug("Acknowledged {}; {} held, {} awaiting their renewal", sent, held.size(), renewing);
            }
        }
        if (sent.containsKey(AcknowledgeType.RENEW)) {
            commitRenewals();
        }
    }

    /**
     * Sends the acknowledgements now, renewals among them, without fetching. Measured on Kafka 4.4: renewals sent with a poll
     * (piggybacked on a fetch) let that fetch acquire new records which the client then keeps from the application while
     * renewals are pending — for longer than their lock, so another worker gets them too and every acknowledgement of the
     * batch is refused. Committed first, the renewed records come back in the very next poll and nothing is acquired unseen.
     * A refused renewal is reported to {@link #committed}, which gives those records up.
     */
    private void commitRenewals() {
        try {
            consumer.commitSync(COMMIT_TIMEOUT).forEach((partition, error) -> error.ifPresent(e ->
                    failures.warn("renewal", "Renewals on {} refused: {}", partition, e.toString())));
        } catch (RuntimeException e) {
            // Not confirmed (broker away, timeout): the renewed records come back with the next poll, or are given up after a lock.
            failures.warn("renewal", "Renewals not confirmed: {}", e.toString());
        }
    }

    private void acknowledgeDelivered(boolean giveBack, java.util.Map<AcknowledgeType, Integer> sent) {
        for (Iterator<Held> it = held.values().iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (!h.delivered) {
                continue;
            }
            AcknowledgeType type = h.abandoned || (giveBack && h.outcome == null) ? AcknowledgeType.RELEASE
                    : h.outcome != null ? h.outcome : AcknowledgeType.RENEW;
            h.delivered = false;
            sent.merge(type, 1, Integer::sum);
            try {
                consumer.acknowledge(h.record, type);
            } catch (IllegalStateException e) {
                // Not waiting for an acknowledgement any more (its delivery ended): the broker delivers it again.
                failures.warn("acknowledge", "Record {} could not be acknowledged {}: {}", h.key, type, e.getMessage());
                h.abandoned = true;
            }
            if (type == AcknowledgeType.RENEW) {
                h.renewedNanos = System.nanoTime();
                continue;
            }
            acknowledged++;
            if (type == AcknowledgeType.RELEASE) {
                h.abandoned = true; // its job, if still running, publishes nothing more: the record is someone else's now
            }
            it.remove();
        }
    }

    /** Polls, keeps renewed records that came back, and dispatches new ones (or gives them back at once when {@code giveBack}). */
    private void poll(boolean giveBack) {
        org.apache.kafka.clients.consumer.ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(POLL_TIMEOUT);
        } catch (IllegalStateException e) {
            // The consumer holds records the loop believes acknowledged or not yet back from renewal. First try acknowledging
            // the records awaiting their renewal (those the consumer does not hold are refused and skipped); if it still
            // refuses, start over with a new consumer.
            if (acknowledgeRenewing() == 0) {
                replaceConsumer(e);
                return;
            }
            try {
                records = consumer.poll(POLL_TIMEOUT);
            } catch (IllegalStateException again) {
                replaceConsumer(again);
                return;
            }
        }
        long now = System.nanoTime();
        if (log.isDebugEnabled() && !records.isEmpty()) {
            log.debug("Polled {} record(s)", records.count());
        }
        if (!state.assigned()) {
            state = new RequestWorker.LoopState(true, held.size(), 0, now);
        }
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String key = key(record.topic(), record.partition(), record.offset());
            Held h = held.get(key);
            if (h != null && !h.abandoned) {
                h.record = record; // renewed: back for its next acknowledgement
                h.delivered = true;
                h.lockedNanos = now;
                h.renewedNanos = 0;
                continue;
            }
            h = new Held(key, record);
            h.delivered = true;
            h.lockedNanos = now;
            held.put(key, h);
            if (giveBack) {
                h.outcome = AcknowledgeType.RELEASE;
            } else {
                dispatch(h);
            }
        }
    }

    /** Acknowledges the held records whose renewal is on its way, where the consumer takes it; returns how many it took. */
    private int acknowledgeRenewing() {
        int taken = 0;
        for (Iterator<Held> it = held.values().iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (h.delivered) {
                continue;
            }
            AcknowledgeType type = h.abandoned ? AcknowledgeType.RELEASE : h.outcome != null ? h.outcome : AcknowledgeType.RENEW;
            try {
                consumer.acknowledge(h.record, type);
            } catch (IllegalStateException notInTheFetch) {
                continue;
            }
            taken++;
            if (type == AcknowledgeType.RENEW) {
                h.renewedNanos = System.nanoTime();
            } else {
                acknowledged++;
                h.abandoned = true;
                it.remove();
            }
        }
        log.info("{} record(s) back from renewal without a poll returning them were acknowledged", taken);
        return taken;
    }

    private void dispatch(Held h) {
        ConsumerRecord<byte[], byte[]> record = h.record;
        h.decodeAgain = null;
        DecodedRequest decoded;
        try {
            decoded = decoder.decode(record.value());
        } catch (PoisonRecordException e) {
            h.job = true;
            waiting.addLast(Job.poison(record, h, e));
            return;
        } catch (SchemaRegistryException e) {
            // Not the record's fault: it stays acquired (renewed if need be) and is decoded again shortly.
            failures.warn("decode", "Record {} cannot be decoded yet, read again in {} ms: {}", h.key, DECODE_RETRY.toMillis(), e.getMessage());
            h.decodeAgain = clock.instant().plus(DECODE_RETRY);
            return;
        } catch (RuntimeException e) {
            h.job = true;
            waiting.addLast(Job.poison(record, h, new PoisonRecordException("cannot be decoded: " + e, e)));
            return;
        }
        if (decoded instanceof DecodedRequest.Valid v) {
            ExecutionRequest request = v.request();
            if (request.orderingKey() != null) {
                decoded = new DecodedRequest.Invalid(request.requestId(), request.correlationId(), request.instanceId(), request.methodName(),
                        request.replyTo(), "orderingKey: set on the queue topic '" + limits.topic() + "' (expected: absent; the queue does "
                        + "not keep order: send requests that need it to the requests topic)", v.format());
            } else {
                ExecutionRequest.Replay replay = ReplayHeaders.read(record.headers());
                if (replay != null) {
                    decoded = new DecodedRequest.Valid(request.withReplay(replay), v.format());
                }
            }
        }
        h.job = true;
        waiting.addLast(Job.of(record, h, decoded, null));
    }

    private void decodeDue() {
        Instant now = null;
        for (Held h : held.values()) {
            if (h.decodeAgain != null && !h.abandoned) {
                now = now == null ? clock.instant() : now;
                if (!h.decodeAgain.isAfter(now)) {
                    dispatch(h);
                }
            }
        }
    }

    private void startWaiting() {
        while (!waiting.isEmpty() && runner.active() < limits.maxInFlight()) {
            runner.start(waiting.pollFirst());
        }
    }

    /** Turns finished jobs into the acknowledgement their record gets at the next poll. */
    private void collectFinished() {
        Job job;
        while ((job = runner.nextFinished()) != null) {
            Held h = held.get(key(job.record().topic(), job.record().partition(), job.record().offset()));
            if (h == null || !job.polledUnder(h)) {
                continue; // given back meanwhile: the record is someone else's
            }
            h.job = false;
            if (h.abandoned) {
                if (h.delivered) {
                    h.outcome = AcknowledgeType.RELEASE;
                } else {
                    held.remove(h.key);
                }
            } else {
                // Dead-lettered (poison, or outputs that could not be published in any form): never to be delivered again.
                h.outcome = job.poison() != null || job.stage() == Job.Stage.DEAD_LETTER ? AcknowledgeType.REJECT : AcknowledgeType.ACCEPT;
            }
        }
    }

    /**
     * The loop stalled longer than its lease (a stopped process, a long pause): records whose lock may have expired
     * meanwhile may be another worker's now. Their jobs publish nothing more; the other worker answers them, from the
     * result log if this one recorded a result already.
     */
    private boolean settleAfterStall() {
        long now = System.nanoTime();
        int lost = 0;
        for (Held h : held.values()) {
            // The lock started when the broker acquired the record, a little before the poll returned it: a quarter of margin.
            if (h.running() && now - h.lockedNanos >= limits.lockDuration().toNanos() * 3 / 4) {
                h.abandoned = true;
                lost++;
            }
        }
        if (lost > 0) {
            log.warn("After the stall, {} record(s) held longer than their lock ({}) are left to the worker the broker gives them to",
                    lost, limits.lockDuration());
        }
        return true;
    }

    /** The broker's answer to acknowledgements (on the poll thread): a renewal it refused means the lock is gone. */
    private void committed(Map<TopicIdPartition, Set<Long>> offsets, Exception error) {
        if (error == null) {
            return;
        }
        offsets.forEach((partition, set) -> set.forEach(offset -> {
            Held h = held.get(key(partition.topic(), partition.partition(), offset));
            if (h != null && !h.delivered && h.renewedNanos != 0) {
                // Its renewal was refused: the record is someone else's (finished ones are answered there from the result log).
                h.abandoned = true;
                if (!h.job) {
                    held.remove(h.key);
                }
            }
        }));
        failures.warn("acknowledge", "Acknowledgements of {} refused ({}): renewed records among them are given up; accepted ones are "
                + "delivered again and answered from the result log", offsets.keySet(), error.toString());
    }

    /** Stops acquiring; waits for running records (renewing them as needed); acknowledges what finished, gives back the rest. */
    private void drain() {
        long deadline = drainDeadline;
        long reserve = Math.min(Duration.ofSeconds(5).toNanos(), limits.drainTimeout().toNanos() / 4);
        // Not started (waiting for a slot or for its schema): given back at once rather than waited for.
        for (Job job : waiting) {
            ((Held) job.claim()).abandoned = true;
            ((Held) job.claim()).job = false;
        }
        waiting.clear();
        held.values().stream().filter(h -> h.decodeAgain != null).forEach(h -> h.abandoned = true);
        while (drainPending() && System.nanoTime() < deadline - reserve) {
            collectFinished();
            forgetLostRenewals();
            fence.polled(this::settleAfterStall);
            long now = System.nanoTime();
            // Poll only to renew what is due, or to get back finished records whose renewal is on its way (to accept them).
            if (held.values().stream().anyMatch(h -> h.running() && h.delivered && now - h.lockedNanos >= limits.renewAfter().toNanos()
                    || !h.delivered && h.outcome != null)) {
                acknowledgeDelivered(false);
                poll(true);
            } else {
                LockSupport.parkNanos(IDLE_NANOS);
            }
            state = new RequestWorker.LoopState(false, held.size(), 0, System.nanoTime());
        }
        collectFinished();
        int unfinished = (int) held.values().stream().filter(Held::running).count();
        acknowledgeDelivered(true);
        held.values().forEach(h -> h.abandoned = true); // jobs still running publish nothing more
        try {
            consumer.commitSync(remaining(deadline, 2)).forEach((partition, error) -> error.ifPresent(e ->
                    log.warn("Final acknowledgements of {} not confirmed ({}); those records are delivered again", partition, e.toString())));
        } catch (RuntimeException e) {
            log.warn("Final acknowledgements not confirmed ({}); unconfirmed records are delivered again once their locks expire", e.toString());
        }
        log.info("Drained the queue: {} records acknowledged in all; {} unfinished given back", acknowledged, unfinished);
    }

    /** Whether the drain still waits: a record runs, or a finished one is on its way back from a renewal. */
    private boolean drainPending() {
        return held.values().stream().anyMatch(h -> h.running() && h.job || !h.delivered && h.outcome != null && !h.abandoned);
    }

    private void close() {
        held.values().forEach(h -> h.abandoned = true); // also when the loop died: its jobs' records are released by close
        runner.close();
        try {
            producer.close(drainDeadline == Long.MAX_VALUE ? Duration.ofSeconds(5) : remaining(drainDeadline, 2));
        } finally {
            try {
                consumer.close(drainDeadline == Long.MAX_VALUE ? Duration.ofSeconds(5) : remaining(drainDeadline, 1));
            } finally {
                stopped.countDown();
                log.info("Queue loop stopped");
            }
        }
    }

    private static Duration remaining(long deadline, int share) {
        long left = (deadline - System.nanoTime()) / share;
        return Duration.ofNanos(Math.max(left, Duration.ofMillis(100).toNanos()));
    }

    private static String key(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }
}
