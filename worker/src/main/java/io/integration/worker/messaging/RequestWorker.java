package io.integration.worker.messaging;

import io.integration.wire.SchemaRegistryException;
import io.integration.worker.execution.ExecutionRequest;
import io.integration.worker.resilience.Scope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll-thread side of the worker's consume → execute → publish → commit loop: dispatch, backpressure,
 * commits, rebalances, drain. Executing and publishing is the {@link JobRunner}'s.
 *
 * <p>Every polled record starts at once on a virtual thread, except records of a partition sharing an
 * {@code orderingKey}, which run one after another in offset order. Each partition commits up to its lowest
 * unfinished record ({@link PartitionTracker}), and only confirmed commits count ({@link OffsetCommits}).
 * Backpressure pauses a partition whose in-flight records reach {@code maxPerPartition}, and every partition
 * when the worker reaches {@code maxInFlight}; polling goes on, so the group never sees a
 * {@code max.poll.interval.ms} violation.
 *
 * <p>Nothing waits on this thread: a record that cannot be decoded yet (its schema is still being fetched, or
 * the registry is away) and a deferred record of the retry topic that is not due yet are not dispatched at
 * all — the loop seeks back to them and pauses their partition until they may go (a hold), so they hold
 * neither a slot, nor the partition's commits, nor a revocation.
 *
 * <p>On revoke, in-flight records of the lost partitions get {@code revokeTimeout} to finish; what finished is
 * committed, the rest is abandoned to the next owner (which answers it from the result log). {@link #stop()}
 * pauses fetching, drains for at most {@code drainTimeout} in all (commit and close included), commits and closes.
 */
public final class RequestWorker implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RequestWorker.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);
    /** How long a partition waits after a transient decode failure before its record is read again. */
    private static final Duration DECODE_RETRY = Duration.ofSeconds(1);

    /**
     * Limits of the loop.
     *
     * @param ownershipLease how long the loop may go without a poll before its jobs stop calling until it knows
     *     whether it still owns its partitions (a third of the session timeout)
     */
    record Limits(int maxInFlight, int maxPerPartition, Duration revokeTimeout, Duration drainTimeout, Duration ownershipLease) {
        Limits {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("worker.max.in.flight: " + maxInFlight + " (expected: >= 1)");
            }
            if (maxPerPartition < 1) {
                throw new IllegalArgumentException("worker.max.in.flight.per.partition: " + maxPerPartition + " (expected: >= 1)");
            }
        }
    }

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final RequestDecoder decoder;
    private final OutputEncoder encoder;
    private final JobRunner runner;
    private final Topics topics;
    private final List<String> subscription;
    private final Limits limits;
    private final OwnershipFence fence;
    private final Clock clock;
    private final Map<TopicPartition, PartitionTracker> trackers = new HashMap<>();
    private final OffsetCommits commits;
    private final Set<TopicPartition> paused = new HashSet<>();
    /** Partitions sought back to a record that may not go yet, and until when. */
    private final Map<TopicPartition, Instant> holds = new HashMap<>();
    /** Polled and decoded, not started yet: the worker already runs {@code maxInFlight} jobs. */
    private final ArrayDeque<Job> waiting = new ArrayDeque<>();
    private final FailureLog failures = new FailureLog(log);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    /** When the drain must be over ({@link System#nanoTime()}); Long.MAX_VALUE until {@link #stop()}. */
    private volatile long drainDeadline = Long.MAX_VALUE;
    /** What the loop saw at the end of its last cycle, for probes and metrics on other threads. */
    private volatile LoopState state = new LoopState(false, 0, 0, System.nanoTime());

    /**
     * The loop as other threads may read it.
     *
     * @param assigned whether a group assignment was received (partitions or none: the group answered)
     * @param recordsInFlight records polled and not yet committed
     * @param pausedPartitions assigned partitions whose fetching is paused
     * @param cycleNanos when ({@link System#nanoTime()}) the loop last finished a cycle
     */
    public record LoopState(boolean assigned, int recordsInFlight, int pausedPartitions, long cycleNanos) {
    }

    RequestWorker(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, RequestDecoder decoder, OutputEncoder encoder,
                  JobRunner runner, Topics topics, Limits limits, OwnershipFence fence, Clock clock) {
        this(consumer, producer, decoder, encoder, runner, topics, List.of(topics.requests(), topics.retry()), limits, fence, clock);
    }

    /** {@code subscription}: the requests and retry topics, or (in queue mode) the retry topic alone. */
    RequestWorker(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, RequestDecoder decoder, OutputEncoder encoder,
                  JobRunner runner, Topics topics, List<String> subscription, Limits limits, OwnershipFence fence, Clock clock) {
        this.subscription = List.copyOf(subscription);
        this.consumer = consumer;
        this.producer = producer;
        this.decoder = decoder;
        this.encoder = encoder;
        this.runner = runner;
        this.topics = topics;
        this.limits = limits;
        this.fence = fence;
        this.clock = clock;
        this.commits = new OffsetCommits(consumer, trackers);
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(subscription, new Rebalance());
            while (!stopping) {
                cycle();
            }
            drain();
        } catch (RuntimeException e) {
            log.error("Worker loop failed; closing", e);
            throw e;
        } finally {
            close();
        }
    }

    /**
     * Asks the loop to stop fetching, drain in-flight work, commit and close, all within the drain timeout from now
     * (even when the loop is inside a rebalance callback at this moment). Returns at once.
     */
    public void stop() {
        if (!stopping) {
            drainDeadline = System.nanoTime() + limits.drainTimeout().toNanos();
            stopping = true;
        }
    }

    /** Closes the clients of a worker whose loop was never run (its start failed after it was built). */
    public void abandon() {
        close();
    }

    /** Waits until the loop has closed its clients. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Publishes {@code integration.circuit.opened|closed} for {@code scope}; any thread, does not block. */
    public void circuitChanged(Scope scope, boolean open) {
        log.warn("Circuit of {} {}", scope.describe(), open ? "opened" : "closed");
        try {
            producer.send(encoder.circuitEvent(topics.events(), scope, open, clock.instant()), (metadata, error) -> {
                if (error != null) {
                    failures.warn("circuit-event", "Circuit event for {} not published: {}", scope.describe(), error.toString());
                }
            });
        } catch (RuntimeException e) {
            failures.warn("circuit-event", "Circuit event for {} not published: {}", scope.describe(), e.toString());
        }
    }

    /** Publishes an auth event ({@code integration.connected|auth.failed|auth.refreshed}); any thread, does not block. */
    public void authEvent(String type, String instanceId, Map<String, String> attributes) {
        try {
            producer.send(encoder.instanceEvent(topics.events(), type, instanceId, attributes, clock.instant()), (metadata, error) -> {
                if (error != null) {
                    failures.warn("auth-event", "Event {} for {} not published: {}", type, instanceId, error.toString());
                }
            });
        } catch (RuntimeException e) {
            failures.warn("auth-event", "Event {} for {} not published: {}", type, instanceId, e.toString());
        }
    }

    private void cycle() {
        collectFinished();
        startWaiting();
        commits.commitAsync();
        applyBackpressure();
        var records = consumer.poll(POLL_TIMEOUT);
        fence.polled(consumer);
        for (ConsumerRecord<byte[], byte[]> record : records) {
            // After a hold was placed, the rest of that partition's batch is read again later, in order.
            if (!holds.containsKey(new TopicPartition(record.topic(), record.partition()))) {
                dispatch(record);
            }
        }
        startWaiting();
        int inFlight = 0;
        for (PartitionTracker tracker : trackers.values()) {
            inFlight += tracker.inFlight();
        }
        state = new LoopState(state.assigned(), inFlight, paused.size(), System.nanoTime());
    }

    /** The loop's state at the end of its last cycle (any thread). */
    public LoopState state() {
        return state;
    }

    /** Starts waiting jobs in poll order while the worker has room. */
    private void startWaiting() {
        while (!waiting.isEmpty() && runner.active() < limits.maxInFlight()) {
            Job job = waiting.pollFirst();
            if (job.enterChain()) {
                runner.start(job);
            }
        }
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        boolean deferred = record.topic().equals(topics.retry());
        Deferrals.Deferral deferral = deferred ? Deferrals.deferral(record) : null;
        if (deferral != null && deferral.notBefore().isAfter(clock.instant())) {
            hold(partition, record.offset(), deferral.notBefore());
            return;
        }
        DecodedRequest decoded;
        PoisonRecordException poison = null;
        try {
            decoded = decoder.decode(record.value());
        } catch (PoisonRecordException e) {
            decoded = null;
            poison = e;
        } catch (SchemaRegistryException e) {
            // Retriable (a permanent one is poison): not the record's failure; it is decoded again after the hold.
            failures.warn("decode", "Record {}-{}@{} cannot be decoded yet, read again in {} ms: {}", record.topic(), record.partition(),
                    record.offset(), DECODE_RETRY.toMillis(), e.getMessage());
            hold(partition, record.offset(), clock.instant().plus(DECODE_RETRY));
            return;
        } catch (RuntimeException e) {
            decoded = null;
            poison = new PoisonRecordException("cannot be decoded: " + e, e);
        }
        ExecutionRequest.Replay replay = decoded instanceof DecodedRequest.Valid ? ReplayHeaders.read(record.headers()) : null;
        if (replay != null) {
            DecodedRequest.Valid v = (DecodedRequest.Valid) decoded;
            decoded = new DecodedRequest.Valid(v.request().withReplay(replay), v.format());
        }
        PartitionTracker tracker = trackers.computeIfAbsent(partition, p -> new PartitionTracker());
        tracker.add(record.offset());
        Integer carriedAttempts = deferred ? (deferral == null ? 0 : deferral.attempts()) : null;
        waiting.addLast(poison != null ? Job.poison(record, tracker, poison) : Job.of(record, tracker, decoded, carriedAttempts));
    }

    /** Seeks back to {@code offset} and keeps the partition paused until {@code until}. */
    private void hold(TopicPartition partition, long offset, Instant until) {
        consumer.seek(partition, offset);
        holds.put(partition, until);
        if (paused.add(partition)) {
            consumer.pause(List.of(partition));
        }
    }

    /** Applies finished jobs to their partitions' trackers. */
    private void collectFinished() {
        Job job;
        while ((job = runner.nextFinished()) != null) {
            PartitionTracker current = trackers.get(job.partition());
            if (current != null && job.polledUnder(current)) {
                current.complete(job.record().offset());
            }
        }
    }

    private void applyBackpressure() {
        Instant now = clock.instant();
        holds.values().removeIf(until -> !until.isAfter(now));
        boolean workerFull = !waiting.isEmpty() || runner.active() >= limits.maxInFlight();
        List<TopicPartition> toPause = new ArrayList<>();
        List<TopicPartition> toResume = new ArrayList<>();
        for (TopicPartition partition : consumer.assignment()) {
            PartitionTracker tracker = trackers.get(partition);
            boolean pause = stopping || workerFull || holds.containsKey(partition)
                    || (tracker != null && tracker.inFlight() >= limits.maxPerPartition());
            if (pause && paused.add(partition)) {
                toPause.add(partition);
            } else if (!pause && paused.remove(partition)) {
                toResume.add(partition);
            }
        }
        if (!toPause.isEmpty()) {
            consumer.pause(toPause);
        }
        if (!toResume.isEmpty()) {
            consumer.resume(toResume);
        }
    }

    /** Stops fetching and waits for in-flight work, polling (paused) so the group keeps this member; then commits. */
    private void drain() {
        long deadline = drainDeadline;
        consumer.pause(consumer.assignment());
        paused.addAll(consumer.assignment());
        // The last part of the drain time is kept for the final commit and for closing the clients.
        long reserve = Math.min(Duration.ofSeconds(5).toNanos(), limits.drainTimeout().toNanos() / 4);
        while (runner.active() > 0 && System.nanoTime() < deadline - reserve) {
            collectFinished();
            commits.commitAsync();
            consumer.poll(POLL_TIMEOUT);
            fence.polled(consumer);
            // Still turning (liveness), and no longer taking work (readiness).
            state = new LoopState(false, runner.active(), paused.size(), System.nanoTime());
        }
        collectFinished();
        int unfinished = runner.active();
        Map<TopicPartition, OffsetAndMetadata> committed = commits.commitSync(new ArrayList<>(trackers.keySet()), remaining(deadline, 2));
        log.info("Drained: committed {}; {} records unfinished and {} polled but not started are left to the next owner of their partitions",
                committed.isEmpty() ? "nothing new" : committed, unfinished, waiting.size());
    }

    private void close() {
        runner.close();
        try {
            producer.close(drainDeadline == Long.MAX_VALUE ? Duration.ofSeconds(5) : remaining(drainDeadline, 2));
        } finally {
            try {
                consumer.close(drainDeadline == Long.MAX_VALUE ? Duration.ofSeconds(5) : remaining(drainDeadline, 1));
            } finally {
                stopped.countDown();
                log.info("Worker stopped");
            }
        }
    }

    /** What is left until {@code deadline}, divided by {@code share} (at least a little, to say goodbye). */
    private static Duration remaining(long deadline, int share) {
        long left = (deadline - System.nanoTime()) / share;
        return Duration.ofNanos(Math.max(left, Duration.ofMillis(100).toNanos()));
    }

    /** Finishes or abandons lost partitions' work within the revoke timeout, commits what finished, forgets them. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // While stopping (the consumer leaves the group on close), the drain already had its time: no more waiting.
            long deadline = System.nanoTime() + limits.revokeTimeout().toNanos();
            while (busy(partitions) && System.nanoTime() < Math.min(deadline, drainDeadline)) {
                collectFinished();
                fence.alive();
                sleep();
            }
            collectFinished();
            commits.commitSync(partitions, drainDeadline == Long.MAX_VALUE ? limits.revokeTimeout() : remaining(drainDeadline, 2));
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Already owned by someone else: committing now could move their offsets. Abandon silently.
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            fence.assigned();
            state = new LoopState(true, state.recordsInFlight(), state.pausedPartitions(), System.nanoTime());
            log.info("Assigned {}", partitions);
        }

        /** Whether a lost partition still has started, unfinished jobs (waiting ones are simply dropped). */
        private boolean busy(Collection<TopicPartition> partitions) {
            Map<TopicPartition, Integer> notStarted = new HashMap<>();
            waiting.forEach(job -> notStarted.merge(job.partition(), 1, Integer::sum));
            return partitions.stream().anyMatch(p -> trackers.get(p) != null && trackers.get(p).inFlight() > notStarted.getOrDefault(p, 0));
        }

        private void forget(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                PartitionTracker tracker = trackers.remove(partition);
                waiting.removeIf(job -> job.partition().equals(partition));
                paused.remove(partition);
                holds.remove(partition);
                if (tracker != null) {
                    tracker.abandon();
                    if (tracker.inFlight() > 0) {
                        log.info("Abandoned {} in-flight records of {} to its next owner", tracker.inFlight(), partition);
                    }
                }
            }
        }

        private void sleep() {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
