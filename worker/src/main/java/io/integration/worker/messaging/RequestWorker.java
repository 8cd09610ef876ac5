package io.integration.worker.messaging;

import io.integration.wire.SchemaRegistryException;
import io.integration.worker.execution.ErrorCode;
import io.integration.worker.execution.ExecutionResult;
import io.integration.worker.execution.Outcome;
import io.integration.worker.execution.RequestExecutor;
import io.integration.worker.store.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's consume → execute → publish → commit loop.
 *
 * <p>Each polled batch runs concurrently on virtual threads (at most {@code maxInFlight} executions at a
 * time); records of one partition sharing an {@code orderingKey} run one after another in offset order.
 * A partition's offset is committed only up to its first record that is not complete, a record being
 * complete once its result and event (or its dead letter) are acknowledged by the broker. A record that
 * failed transiently (store or registry unavailable) rewinds its partition to it and pauses the partition
 * for a backoff, so nothing is lost and nothing is answered wrongly during an outage.
 *
 * <p>Threading: {@link #run()} owns the consumer; {@link #stop()} may be called from any thread and
 * makes {@code run()} finish the batch in hand, commit it and close the clients.
 */
public final class RequestWorker implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RequestWorker.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final RequestDecoder decoder;
    private final OutputEncoder encoder;
    private final RequestExecutor executor;
    private final Topics topics;
    private final Semaphore inFlight;
    private final Clock clock;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<TopicPartition, Instant> pausedUntil = new HashMap<>();
    private final Set<String> deadLettered = new HashSet<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private Duration backoff = MIN_BACKOFF;

    RequestWorker(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, RequestDecoder decoder,
                  OutputEncoder encoder, RequestExecutor executor, Topics topics, int maxInFlight, Clock clock) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("worker.max.in.flight: " + maxInFlight + " (expected: >= 1)");
        }
        this.consumer = consumer;
        this.producer = producer;
        this.decoder = decoder;
        this.encoder = encoder;
        this.executor = executor;
        this.topics = topics;
        this.inFlight = new Semaphore(maxInFlight);
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topics.requests()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // Batches complete and commit before the next poll, so nothing is in flight here.
                    partitions.forEach(pausedUntil::remove);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    log.info("Assigned {}", partitions);
                }
            });
            while (!stopping) {
                resumeDuePartitions();
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
                if (!records.isEmpty()) {
                    process(records);
                }
            }
        } catch (RuntimeException e) {
            log.error("Worker loop failed; closing", e);
            throw e;
        } finally {
            close();
        }
    }

    /** Asks the loop to finish the batch in hand, commit and close. Returns at once. */
    public void stop() {
        stopping = true;
    }

    /** Waits until the loop has closed its clients. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void process(ConsumerRecords<byte[], byte[]> records) {
        List<Job> jobs = new ArrayList<>(records.count());
        Map<String, List<Job>> chains = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Job job = decode(record);
            jobs.add(job);
            chains.computeIfAbsent(job.chainKey(), k -> new ArrayList<>()).add(job);
        }
        for (List<Job> chain : chains.values()) {
            threads.execute(() -> chain.forEach(this::execute));
        }
        for (Job job : jobs) {
            job.done.exceptionally(e -> null).join();
        }
        commit(records.partitions(), jobs);
    }

    private Job decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return new Job(record, decoder.decode(record.value()), null);
        } catch (PoisonRecordException | SchemaRegistryException e) {
            return new Job(record, null, e);
        }
    }

    private void execute(Job job) {
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            job.done.completeExceptionally(e);
            return;
        }
        try {
            List<ProducerRecord<byte[], byte[]>> outputs = outputs(job);
            CompletableFuture<?>[] acks = outputs.stream().map(this::send).toArray(CompletableFuture[]::new);
            CompletableFuture.allOf(acks).whenComplete((ok, error) -> {
                if (error == null) {
                    job.done.complete(null);
                } else {
                    job.done.completeExceptionally(error);
                }
            });
        } catch (StoreUnavailableException | SchemaRegistryException | KafkaException e) {
            log.warn("Record {}-{}@{} will be retried: {}", job.record.topic(), job.record.partition(), job.record.offset(), e.getMessage());
            job.done.completeExceptionally(e);
        } catch (RuntimeException e) {
            log.error("Record {}-{}@{} failed unexpectedly and will be retried", job.record.topic(), job.record.partition(), job.record.offset(), e);
            job.done.completeExceptionally(e);
        } finally {
            inFlight.release();
        }
    }

    private List<ProducerRecord<byte[], byte[]>> outputs(Job job) {
        if (job.decodeFailure instanceof PoisonRecordException poison) {
            if (!deadLetteredOnce(job.record)) {
                return List.of();
            }
            log.warn("Poison record {}-{}@{} goes to {}: {}", job.record.topic(), job.record.partition(), job.record.offset(),
                    topics.deadLetter(), poison.getMessage());
            return List.of(DeadLetters.of(topics.deadLetter(), job.record, DeadLetters.Stage.DESERIALIZATION, poison));
        }
        if (job.decodeFailure != null) {
            throw job.decodeFailure; // registry unavailable: retry later
        }
        return switch (job.decoded) {
            case DecodedRequest.Valid v -> publish(executor.execute(v.request()), v.request().replyTo(), v.format(), v.request().attributes());
            case DecodedRequest.Invalid i -> publish(executor.reject(i.requestId(), i.correlationId(), i.instanceId(), i.methodName(),
                    Outcome.Failure.of(ErrorCode.VALIDATION_ERROR, i.problem()), Instant.ofEpochMilli(job.record.timestamp())),
                    i.replyTo(), i.format(), Map.of());
        };
    }

    private List<ProducerRecord<byte[], byte[]>> publish(ExecutionResult result, String replyTo, WireFormat format, Map<String, String> attributes) {
        String resultTopic = replyTo == null || replyTo.isBlank() ? topics.results() : replyTo;
        return List.of(encoder.result(resultTopic, result, format), encoder.event(topics.events(), result, attributes));
    }

    /** Whether this record should be dead-lettered now: false when this worker already did it (a rewind replays it). */
    private boolean deadLetteredOnce(ConsumerRecord<byte[], byte[]> record) {
        synchronized (deadLettered) {
            return deadLettered.add(record.topic() + "-" + record.partition() + "@" + record.offset());
        }
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

    private void commit(Set<TopicPartition> partitions, List<Job> jobs) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        boolean failures = false;
        for (TopicPartition partition : partitions) {
            Job firstIncomplete = null;
            long next = -1;
            for (Job job : jobs) {
                if (job.record.partition() != partition.partition() || !job.record.topic().equals(partition.topic())) {
                    continue;
                }
                if (!job.succeeded()) {
                    firstIncomplete = job;
                    break;
                }
                next = job.record.offset() + 1;
            }
            if (next >= 0) {
                offsets.put(partition, new OffsetAndMetadata(next));
            }
            if (firstIncomplete != null) {
                failures = true;
                consumer.seek(partition, firstIncomplete.record.offset());
                consumer.pause(List.of(partition));
                pausedUntil.put(partition, clock.instant().plus(backoff));
            }
        }
        backoff = failures ? min(backoff.multipliedBy(2), MAX_BACKOFF) : MIN_BACKOFF;
        if (!offsets.isEmpty()) {
            try {
                consumer.commitSync(offsets);
            } catch (KafkaException e) {
                // Lost the partitions in a rebalance: the new owner re-reads these records and answers them from the result log.
                log.warn("Commit of {} failed: {}", offsets, e.getMessage());
            }
            forgetDeadLettersBefore(offsets);
        }
    }

    private void forgetDeadLettersBefore(Map<TopicPartition, OffsetAndMetadata> offsets) {
        synchronized (deadLettered) {
            deadLettered.removeIf(key -> {
                int at = key.lastIndexOf('@');
                int dash = key.lastIndexOf('-', at);
                TopicPartition tp = new TopicPartition(key.substring(0, dash), Integer.parseInt(key.substring(dash + 1, at)));
                OffsetAndMetadata committed = offsets.get(tp);
                return committed != null && Long.parseLong(key.substring(at + 1)) < committed.offset();
            });
        }
    }

    private void resumeDuePartitions() {
        if (pausedUntil.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        List<TopicPartition> due = pausedUntil.entrySet().stream().filter(e -> !e.getValue().isAfter(now)).map(Map.Entry::getKey).toList();
        if (!due.isEmpty()) {
            due.forEach(pausedUntil::remove);
            consumer.resume(due);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private void close() {
        threads.shutdown();
        try {
            producer.close(Duration.ofSeconds(30));
        } finally {
            consumer.close();
            stopped.countDown();
            log.info("Worker stopped");
        }
    }
}
