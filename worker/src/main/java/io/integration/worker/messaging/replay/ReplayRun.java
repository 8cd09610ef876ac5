package io.integration.worker.messaging.replay;

import io.integration.registry.store.StoreUnavailableException;
import io.integration.wire.SchemaRegistryException;
import io.integration.worker.execution.ExecutionRequest;
import io.integration.worker.execution.ExecutionResult;
import io.integration.worker.execution.Outcome;
import io.integration.worker.execution.ResultLog;
import io.integration.worker.messaging.ReplayHeaders;
import io.integration.worker.messaging.RequestSummaries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replay, on its own thread: reads its {@link ReplayPlan}, keeps the records its filter admits whose recorded result
 * calls for a replay, and produces them again to the requests topic, marked with {@link ReplayHeaders}, at most at the
 * spec's rate. Its progress is readable at any time ({@link #status}) and written to the {@link ReplayStore} every
 * {@link ReplayStore#HEARTBEAT}.
 */
final class ReplayRun implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ReplayRun.class);

    /** A replay that reads nothing new for this long (its partitions unreadable) fails instead of running forever. */
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);
    /** How long the schema registry may be unreachable before the replay fails. */
    static final Duration REGISTRY_PATIENCE = Duration.ofSeconds(30);
    /** How long the result log may be unreadable before the replay fails. */
    static final Duration STORE_PATIENCE = Duration.ofSeconds(30);
    /** Request ids remembered to replay each once; beyond, a repeat is still run only once (the worker's replay check). */
    static final int MAX_REMEMBERED = 1_000_000;

    private final String id;
    private final String actor;
    private final ReplaySpec spec;
    private final String topic;
    private final String requestsTopic;
    private final ReplayPlan plan;
    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final RequestSummaries summaries;
    private final ResultLog results;
    private final ReplayStore store;
    private final Clock clock;
    private final Runnable onEnd;
    private final ExecutionRequest.Replay mark;
    private final Instant createdAt;
    private final Map<String, Object> request;

    private final Set<String> replayedIds = new HashSet<>();
    /** Partitions whose remaining range is gone (truncated below the position): read no further. */
    private final Set<TopicPartition> truncated = new HashSet<>();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private volatile boolean cancelRequested;
    /** Set when the process stops: the replay ends INTERRUPTED rather than CANCELLED (nobody asked for it to stop). */
    private volatile boolean interrupted;
    private volatile ReplayStatus status;
    private long scanned, replayed, notMatching, succeeded, pending, duplicate, undecodable, expired, lost;
    private long nextSendNanos = System.nanoTime();

    ReplayRun(String id, String actor, ReplaySpec spec, String topic, String requestsTopic, ReplayPlan plan,
              Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, RequestSummaries summaries, ResultLog results,
              ReplayStore store, Clock clock, Runnable onEnd) {
        this.id = id;
        this.actor = actor;
        this.spec = spec;
        this.topic = topic;
        this.requestsTopic = requestsTopic;
        this.plan = plan;
        this.consumer = consumer;
        this.producer = producer;
        this.summaries = summaries;
        this.results = results;
        this.store = store;
        this.clock = clock;
        this.onEnd = onEnd;
        this.mark = new ExecutionRequest.Replay(id, spec.force());
        this.createdAt = clock.instant();
        this.request = spec.toMap();
        this.status = snapshot(ReplayStatus.State.RUNNING, null, null);
    }

    ReplayStatus status() {
        return status;
    }

    void cancel() {
        cancelRequested = true;
    }

    /** Stops the replay as {@link #cancel} does, because its process stops: it ends INTERRUPTED. */
    void interrupt() {
        interrupted = true;
        cancelRequested = true;
    }

    @Override
    public void run() {
        log.info("Replay {} by {} started: {} record(s) of {} ({})", id, actor, plan.total(), topic, request);
        // The progress is written by a timer of its own: a replay blocked in a send or a registry wait still shows RUNNING
        Thread heartbeats = Thread.ofVirtual().name("replay-heartbeat-" + id).start(this::writeProgressUntilStopped);
        ReplayStatus.State end;
        String error = null;
        try {
            end = readAll() ? ReplayStatus.State.DONE : interrupted ? ReplayStatus.State.INTERRUPTED : ReplayStatus.State.CANCELLED;
            if (producer != null) {
                producer.flush();
            }
            failIfSendFailed();
        } catch (Exception | Error e) {
            if (cancelRequested) {
                end = interrupted ? ReplayStatus.State.INTERRUPTED : ReplayStatus.State.CANCELLED;
            } else {
                log.warn("Replay {} failed after {} record(s): {}", id, scanned, e.toString());
                end = ReplayStatus.State.FAILED;
                error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
        } finally {
            stop(heartbeats); // before the final write: a late heartbeat must not write RUNNING over the end
        }
        try {
            finish(end, error);
        } finally {
            closeQuietly(consumer);
            if (producer != null) {
                closeQuietly(producer);
            }
            onEnd.run();
        }
    }

    /** Every {@link ReplayStore#HEARTBEAT}, writes the latest progress and learns of a cancel asked through another process. */
    private void writeProgressUntilStopped() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(ReplayStore.HEARTBEAT);
            } catch (InterruptedException e) {
                return;
            }
            try {
                if (store.update(status.touched(clock.instant()))) {
                    cancelRequested = true;
                }
            } catch (RuntimeException e) {
                log.warn("Replay {}: its progress could not be written ({}); it goes on", id, e.toString());
            }
        }
    }

    private static void stop(Thread heartbeats) {
        heartbeats.interrupt();
        try {
            heartbeats.join(Duration.ofSeconds(20));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads every partition to its stop offset; false when cancelled first. */
    private boolean readAll() throws InterruptedException {
        Set<TopicPartition> open = new HashSet<>(plan.start().keySet());
        consumer.assign(open);
        plan.start().forEach(consumer::seek);
        long lastProgress = System.nanoTime();
        long lastPositions = -1;
        while (!open.isEmpty()) {
            if (cancelRequested) {
                return false;
            }
            List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
            try {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < plan.stop().get(new TopicPartition(record.topic(), record.partition()))) {
                        batch.add(record);
                    }
                }
            } catch (OffsetOutOfRangeException e) {
                skipDeleted(e.offsetOutOfRangePartitions());
            }
            handle(batch);
            if (cancelRequested) {
                return false;
            }
            long positions = 0;
            for (TopicPartition p : List.copyOf(open)) {
                long position = truncated.contains(p) ? plan.stop().get(p) : consumer.position(p);
                positions += position;
                if (position >= plan.stop().get(p)) {
                    open.remove(p);
                    consumer.pause(List.of(p));
                }
            }
            if (positions != lastPositions) {
                lastPositions = positions;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL_TIMEOUT.toNanos()) {
                throw new IllegalStateException("no record could be read from " + open + " for " + STALL_TIMEOUT.toSeconds() + " s");
            }
            publish();
        }
        return true;
    }

    /**
     * The topic's retention deleted records of the range before they were read: each such partition goes on from its new
     * beginning, and what was deleted is counted as lost (the consumer never resets by itself: {@code auto.offset.reset=none}).
     */
    private void skipDeleted(Map<TopicPartition, Long> positions) {
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(positions.keySet(), Duration.ofSeconds(15));
        positions.forEach((p, position) -> {
            long stop = plan.stop().get(p);
            long first = beginning.get(p);
            if (first > position) {
                long gone = Math.min(first, stop) - position;
                lost += gone;
                log.warn("Replay {}: {} record(s) of {} from offset {} were deleted by the topic's retention before they were read", id,
                        gone, p, position);
                consumer.seek(p, Math.min(first, stop));
            } else {
                // Out of range at the end: the partition was truncated (or recreated) below the replay's position
                lost += stop - position;
                log.warn("Replay {}: {} ends before offset {} (truncated or recreated); {} record(s) of its range are gone", id, p, position,
                        stop - position);
                truncated.add(p);
            }
        });
    }

    private record Candidate(ConsumerRecord<byte[], byte[]> record, String requestId, Instant deadline) {
    }

    private void handle(List<ConsumerRecord<byte[], byte[]>> batch) throws InterruptedException {
        List<Candidate> candidates = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            if (cancelRequested) {
                return;
            }
            scanned++;
            Optional<RequestSummaries.Summary> summary = summarize(record);
            if (summary.isEmpty()) {
                undecodable++;
            } else if (!spec.filter().admits(summary.get()) || !inTimeRange(record)) {
                notMatching++;
            } else {
                candidates.add(new Candidate(record, summary.get().requestId(), summary.get().deadline()));
            }
        }
        Map<String, ExecutionResult> recorded = candidates.isEmpty() ? Map.of()
                : recorded(candidates.stream().map(Candidate::requestId).toList());
        for (int i = 0; i < candidates.size(); i++) {
            if (cancelRequested) {
                scanned -= candidates.size() - i; // read, but not decided: not counted
                return;
            }
            decide(candidates.get(i), recorded.get(candidates.get(i).requestId()));
        }
        publish();
    }

    private void decide(Candidate c, ExecutionResult recorded) throws InterruptedException {
        if (!spec.filter().errorCodes().isEmpty()
                && !(recorded != null && recorded.outcome() instanceof Outcome.Failure f && spec.filter().errorCodes().contains(f.code().name()))) {
            notMatching++;
        } else if (c.deadline() != null && !clock.instant().isBefore(c.deadline())) {
            expired++;
        } else if (recorded != null && recorded.succeeded() && !recorded.answeredByFallback() && !spec.force()) {
            succeeded++;
        } else if (recorded == null && spec.source() == ReplaySpec.Source.REQUESTS && !spec.force()) {
            pending++;
        } else if (replayedIds.size() < MAX_REMEMBERED && !replayedIds.add(c.requestId())) {
            duplicate++;
        } else {
            if (producer != null) {
                pace();
                if (cancelRequested) {
                    scanned--; // not decided: not counted
                    return;
                }
                producer.send(new ProducerRecord<>(requestsTopic, null, c.record().key(), c.record().value(),
                        ReplayHeaders.of(c.record(), mark)), (metadata, error) -> {
                            if (error != null) {
                                sendFailure.compareAndSet(null, error);
                            }
                        });
                failIfSendFailed();
            }
            replayed++;
            publish();
        }
    }

    /**
     * Whether the record's timestamp lies in the spec's time range, {@code [from, to)}. The plan starts at the first offset at
     * or after {@code from} and, with a time range, reads to the end: producers set timestamps, which need not grow with the
     * offsets, so a record after the first one past {@code to} may still be in range.
     */
    private boolean inTimeRange(ConsumerRecord<byte[], byte[]> record) {
        return (spec.from() == null || record.timestamp() >= spec.from().toEpochMilli())
                && (spec.to() == null || record.timestamp() < spec.to().toEpochMilli());
    }

    /** The recorded results of {@code requestIds}; waits (bounded) while the result log cannot be read. */
    private Map<String, ExecutionResult> recorded(List<String> requestIds) throws InterruptedException {
        long giveUp = System.nanoTime() + STORE_PATIENCE.toNanos();
        while (true) {
            try {
                return results.findAll(requestIds);
            } catch (StoreUnavailableException e) {
                if (cancelRequested) {
                    return Map.of(); // handle() stops before deciding anything
                }
                if (System.nanoTime() > giveUp) {
                    throw new IllegalStateException("the result log could not be read for " + STORE_PATIENCE.toSeconds() + " s: "
                            + e.getMessage(), e);
                }
                Thread.sleep(500);
                publish();
            }
        }
    }

    /** The record's ids; waits (bounded) while the schema registry cannot be asked. */
    private Optional<RequestSummaries.Summary> summarize(ConsumerRecord<byte[], byte[]> record) throws InterruptedException {
        long giveUp = System.nanoTime() + REGISTRY_PATIENCE.toNanos();
        while (true) {
            try {
                return summaries.summary(record.value());
            } catch (SchemaRegistryException e) {
                if (cancelRequested) {
                    return Optional.empty();
                }
                if (System.nanoTime() > giveUp) {
                    throw new IllegalStateException("the schema registry could not be asked for " + REGISTRY_PATIENCE.toSeconds()
                            + " s (record " + record.topic() + "-" + record.partition() + "@" + record.offset() + "): " + e.getMessage(), e);
                }
                Thread.sleep(500);
                publish();
            }
        }
    }

    /** Waits for the next send slot of the rate, keeping the heartbeat and watching for a cancel meanwhile. */
    private void pace() throws InterruptedException {
        long interval = 1_000_000_000L / spec.ratePerSecond();
        long now = System.nanoTime();
        nextSendNanos = Math.max(nextSendNanos, now - interval);
        nextSendNanos += interval;
        while (!cancelRequested && nextSendNanos - System.nanoTime() > 0) {
            long wait = Math.min(nextSendNanos - System.nanoTime(), 200_000_000L);
            if (wait > 0) {
                Thread.sleep(Duration.ofNanos(wait));
            }
            publish();
        }
    }

    private void failIfSendFailed() {
        Exception failure = sendFailure.get();
        if (failure != null) {
            throw new IllegalStateException("producing to " + requestsTopic + " failed: " + failure.getMessage(), failure);
        }
    }

    private void publish() {
        status = snapshot(ReplayStatus.State.RUNNING, null, null);
    }

    private void finish(ReplayStatus.State state, String error) {
        status = snapshot(state, clock.instant(), error);
        log.info("Replay {} {}: {} of {} record(s) read, {} {}, {} skipped ({} not matching, {} succeeded, {} pending, {} duplicate,"
                        + " {} undecodable, {} expired), {} lost to retention{}", id, state, scanned, plan.total(), replayed, spec.dryRun() ? "would be replayed" : "replayed",
                scanned - replayed, notMatching, succeeded, pending, duplicate, undecodable, expired, lost, error == null ? "" : "; " + error);
        for (int attempt = 1; ; attempt++) {
            try {
                store.update(status);
                return;
            } catch (RuntimeException e) {
                if (attempt == 3) {
                    log.error("Replay {} ended {} but its record could not be written: {}", id, state, e.toString());
                    return;
                }
            }
        }
    }

    private ReplayStatus snapshot(ReplayStatus.State state, Instant finishedAt, String error) {
        return new ReplayStatus(id, state, actor, spec.reason(), topic, request, plan.total(),
                new ReplayStatus.Counts(scanned, replayed, notMatching, succeeded, pending, duplicate, undecodable, expired, lost), createdAt,
                clock.instant(), finishedAt, error);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.debug("Closing {}: {}", closeable.getClass().getSimpleName(), e.toString());
        }
    }
}
