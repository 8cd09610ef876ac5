package io.integration.worker.messaging;

import io.integration.wire.SchemaRegistryException;
import io.integration.worker.execution.OwnershipLostException;
import io.integration.worker.execution.RequestExecutor;
import io.integration.worker.resilience.Scope;
import io.integration.worker.store.StoreUnavailableException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's consume → execute → publish → commit loop, pipelined.
 *
 * <p>Every polled record starts at once on a virtual thread, except records of a partition sharing an
 * {@code orderingKey}, which run one after another in offset order. A record is finished when its result
 * and event (or its dead letter) are acknowledged by the broker; each partition commits up to its lowest
 * unfinished record ({@link PartitionTracker}). Backpressure pauses a partition whose in-flight records
 * reach {@code maxPerPartition}, and every partition when the worker reaches {@code maxInFlight}; polling
 * goes on, so the group never sees a {@code max.poll.interval.ms} violation. A record that fails
 * transiently (store or registry unavailable, output not acknowledged) is tried again after a backoff
 * while its partition's offset waits for it: nothing is lost, nothing is answered wrongly.
 *
 * <p>On revoke, in-flight records of the lost partitions get {@code revokeTimeout} to finish; what
 * finished is committed, the rest is abandoned to the next owner (which answers it from the result log),
 * and nothing is committed for those partitions afterwards. {@link #stop()} pauses fetching, drains
 * in-flight work for up to {@code drainTimeout}, commits and closes.
 *
 * <p>Threading: {@link #run()} owns the consumer and the trackers; workers hand finished jobs back through
 * a queue.
 */
public final class RequestWorker implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RequestWorker.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);
    private static final Duration COMMIT_INTERVAL = Duration.ofMillis(200);
    private static final long MIN_BACKOFF_MS = 500;
    private static final long MAX_BACKOFF_MS = 10_000;

    /** Limits of the loop. */
    /**
     * @param ownershipLease how long the loop may go without a poll before its jobs stop calling until it
     *     knows whether it still owns its partitions (a third of the session timeout)
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
    private final OutputPlanner planner;
    private final Topics topics;
    private final Limits limits;
    private final OwnershipFence fence;
    private final Clock clock;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "integration-worker-retries");
        t.setDaemon(true);
        return t;
    });
    private final Map<TopicPartition, PartitionTracker> trackers = new HashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final ConcurrentLinkedQueue<Job> finished = new ConcurrentLinkedQueue<>();
    /** Polled and decoded, not started yet: the worker already runs {@code maxInFlight} jobs (poll thread). */
    private final ArrayDeque<Job> waiting = new ArrayDeque<>();
    /** Jobs started and not finished, including those waiting for a retry or for acks. */
    private final AtomicInteger active = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private Instant lastCommit = Instant.EPOCH;

    RequestWorker(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, RequestDecoder decoder,
                  OutputEncoder encoder, RequestExecutor executor, Topics topics, Limits limits, Clock clock) {
        this.consumer = consumer;
        this.producer = producer;
        this.decoder = decoder;
        this.encoder = encoder;
        this.planner = new OutputPlanner(executor, encoder, topics);
        this.topics = topics;
        this.limits = limits;
        this.clock = clock;
        this.fence = new OwnershipFence(limits.ownershipLease());
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topics.requests(), topics.retry()), new Rebalance());
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

    /** Asks the loop to stop fetching, drain in-flight work, commit and close. Returns at once. */
    public void stop() {
        stopping = true;
    }

    /** Waits until the loop has closed its clients. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }


    /** Publishes {@code integration.circuit.opened|closed} for {@code scope}; any thread, does not block. */
    public void circuitChanged(Scope scope, boolean open) {
        String instanceId = scope.instanceId();
        log.warn("Circuit of {} {}", scope.describe(), open ? "opened" : "closed");
        try {
            send(encoder.circuitEvent(topics.events(), scope, open, clock.instant())).whenComplete((ok, error) -> {
                if (error != null) {
                    log.warn("Circuit event for {} not published: {}", instanceId, error.toString());
                }
            });
        } catch (RuntimeException e) {
            log.warn("Circuit event for {} not published: {}", instanceId, e.toString());
        }
    }

    private void cycle() {
        collectFinished();
        startWaiting();
        commit(false);
        applyBackpressure();
        var records = consumer.poll(POLL_TIMEOUT);
        fence.polled(consumer);
        for (ConsumerRecord<byte[], byte[]> record : records) {
            dispatch(record);
        }
        startWaiting();
    }

    /** Starts waiting jobs in poll order while the worker has room (poll thread). */
    private void startWaiting() {
        while (!waiting.isEmpty() && active.get() < limits.maxInFlight()) {
            Job job = waiting.pollFirst();
            if (job.chainKey == null || job.tracker.chains.enqueue(job)) {
                start(job);
            }
        }
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        PartitionTracker tracker = trackers.computeIfAbsent(partition, p -> new PartitionTracker());
        tracker.add(record.offset());
        Job.Deferral deferral = record.topic().equals(topics.retry()) ? Deferrals.deferral(record) : null;
        Job job;
        try {
            job = new Job(record, tracker, decoder.decode(record.value()), null, deferral);
        } catch (PoisonRecordException | SchemaRegistryException e) {
            job = new Job(record, tracker, null, e, deferral);
        }
        waiting.addLast(job);
    }

    private void start(Job job) {
        long due = job.deferral == null ? 0 : Duration.between(clock.instant(), job.deferral.notBefore()).toMillis();
        if (due > 0) {
            // Not due yet: wait on a timer, holding its place in the partition's offsets but no slot and no thread.
            // A stop before it is due leaves it uncommitted for the next owner.
            timers.schedule(() -> start(job), due, TimeUnit.MILLISECONDS);
            return;
        }
        active.incrementAndGet();
        threads.execute(() -> execute(job));
    }

    /** A retry of a job that is already counted as active. */
    private void restart(Job job) {
        threads.execute(() -> execute(job));
    }

    private void execute(Job job) {
        OutputPlanner.Plan plan;
        try {
            plan = planner.plan(job, fence.forJob(job));
        } catch (OwnershipLostException e) {
            log.info("Record {}: {}", job.where(), e.getMessage());
            if (!job.tracker.abandoned) {
                retryLater(job, e); // still fenced after waiting: try again once the loop has settled it
            } else {
                finished.add(job);
            }
            return;
        } catch (StoreUnavailableException | SchemaRegistryException | KafkaException e) {
            retryLater(job, e);
            return;
        } catch (RuntimeException e) {
            log.error("Record {} failed unexpectedly; it will be tried again", job.where(), e);
            retryLater(job, e);
            return;
        }
        List<ProducerRecord<byte[], byte[]>> outputs;
        switch (plan) {
            case OutputPlanner.Plan.WaitInPlace wait -> {
                // An ordered request may not leave its chain: it keeps its slot and its place, on a timer, no thread held.
                job.waitedInPlace(wait.attempts());
                long delay = Math.max(0, Duration.between(clock.instant(), wait.notBefore()).toMillis());
                log.info("Record {} waits {} ms in its ordering chain: {}", job.where(), delay, wait.reason());
                timers.schedule(() -> restart(job), delay, TimeUnit.MILLISECONDS);
                return;
            }
            case OutputPlanner.Plan.Publish publish -> outputs = publish.records();
        }
        // The next request of an ordering chain may run once this one has executed; acks are awaited separately.
        if (job.chainKey != null) {
            Job next = job.tracker.chains.next(job);
            if (next != null) {
                start(next);
            }
        }
        CompletableFuture.allOf(outputs.stream().map(this::send).toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> {
            if (error == null) {
                finished.add(job);
            } else {
                // Executing again answers from the result log, so the retry republishes the identical result.
                retryLater(job, error);
            }
        });
    }

    private void retryLater(Job job, Throwable cause) {
        if (job.tracker.abandoned) {
            log.info("Record {} belongs to a partition this worker lost; its next owner answers it", job.where());
            finished.add(job);
            return;
        }
        job.transientFailures++;
        long backoff = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS << Math.min(job.transientFailures - 1, 10));
        log.warn("Record {} will be tried again in {} ms: {}", job.where(), backoff, cause.toString());
        timers.schedule(() -> restart(job), backoff, TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<Void> send(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        producer.send(record, (metadata, error) -> {
            if (error == null) {
                ack.complete(null);
            } else {
                ack.completeExceptionally(error);
            }
        });
        return ack;
    }

    /** Applies finished jobs to their partitions' trackers (poll thread). */
    private void collectFinished() {
        Job job;
        while ((job = finished.poll()) != null) {
            active.decrementAndGet();
            TopicPartition partition = new TopicPartition(job.record.topic(), job.record.partition());
            if (trackers.get(partition) == job.tracker) {
                job.tracker.complete(job.record.offset());
            }
        }
    }

    private void commit(boolean now) {
        Instant at = clock.instant();
        if (!now && at.isBefore(lastCommit.plus(COMMIT_INTERVAL))) {
            return;
        }
        lastCommit = at;
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(trackers.keySet());
        if (offsets.isEmpty()) {
            return;
        }
        if (now) {
            commitSync(offsets);
        } else {
            consumer.commitAsync(offsets, (done, error) -> {
                if (error != null) {
                    log.warn("Commit of {} failed: {}", done, error.toString());
                }
            });
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            PartitionTracker tracker = trackers.get(partition);
            long offset = tracker == null ? -1 : tracker.committable();
            if (offset >= 0) {
                offsets.put(partition, new OffsetAndMetadata(offset));
                tracker.committed(offset);
            }
        }
        return offsets;
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets);
        } catch (KafkaException e) {
            // Partitions lost in a rebalance: the new owner re-reads these records and answers them from the result log.
            log.warn("Commit of {} failed: {}", offsets, e.getMessage());
        }
    }

    private void applyBackpressure() {
        boolean workerFull = !waiting.isEmpty() || active.get() >= limits.maxInFlight();
        List<TopicPartition> toPause = new ArrayList<>();
        List<TopicPartition> toResume = new ArrayList<>();
        for (Map.Entry<TopicPartition, PartitionTracker> e : trackers.entrySet()) {
            boolean full = workerFull || e.getValue().inFlight() >= limits.maxPerPartition();
            if (full && paused.add(e.getKey())) {
                toPause.add(e.getKey());
            } else if (!full && !stopping && paused.remove(e.getKey())) {
                toResume.add(e.getKey());
            }
        }
        if (!toPause.isEmpty()) {
            consumer.pause(toPause);
        }
        if (!toResume.isEmpty()) {
            consumer.resume(toResume);
        }
    }

    /** Stops fetching and waits for in-flight work, polling (paused) so the group keeps this member. */
    private void drain() {
        consumer.pause(consumer.assignment());
        paused.addAll(consumer.assignment());
        long deadline = System.nanoTime() + limits.drainTimeout().toNanos();
        while (active.get() > 0 && System.nanoTime() < deadline) {
            collectFinished();
            commit(false);
            consumer.poll(POLL_TIMEOUT);
            fence.polled(consumer);
        }
        collectFinished();
        if (active.get() > 0) {
            log.warn("{} records still in flight after {}; their partitions are committed up to them", active.get(), limits.drainTimeout());
        }
        if (!waiting.isEmpty()) {
            log.info("{} polled records were not started; the next owner of their partitions processes them", waiting.size());
        }
        commit(true);
    }

    private void close() {
        threads.shutdown();
        timers.shutdownNow();
        try {
            producer.close(Duration.ofSeconds(30));
        } finally {
            consumer.close();
            stopped.countDown();
            log.info("Worker stopped");
        }
    }

    /** Finishes or abandons lost partitions' work within the revoke timeout, commits what finished, forgets them. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            long deadline = System.nanoTime() + limits.revokeTimeout().toNanos();
            while (busy(partitions) && System.nanoTime() < deadline) {
                collectFinished();
                fence.alive();
                sleep();
            }
            collectFinished();
            Map<TopicPartition, OffsetAndMetadata> offsets = committable(partitions);
            if (!offsets.isEmpty()) {
                commitSync(offsets);
            }
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
            log.info("Assigned {}", partitions);
        }

        /** Whether a lost partition still has started, unfinished jobs (waiting ones are simply dropped). */
        private boolean busy(Collection<TopicPartition> partitions) {
            Set<PartitionTracker> lost = new HashSet<>();
            partitions.forEach(p -> {
                if (trackers.get(p) != null) {
                    lost.add(trackers.get(p));
                }
            });
            Map<PartitionTracker, Long> notStarted = waiting.stream().filter(job -> lost.contains(job.tracker))
                    .collect(java.util.stream.Collectors.groupingBy(job -> job.tracker, java.util.stream.Collectors.counting()));
            return lost.stream().anyMatch(t -> t.inFlight() > notStarted.getOrDefault(t, 0L));
        }

        private void forget(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                PartitionTracker tracker = trackers.remove(partition);
                waiting.removeIf(job -> job.tracker == tracker);
                paused.remove(partition);
                if (tracker != null) {
                    tracker.abandoned = true;
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
