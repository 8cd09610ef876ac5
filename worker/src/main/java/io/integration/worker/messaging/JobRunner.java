package io.integration.worker.messaging;

import io.integration.worker.execution.ErrorCode;
import io.integration.worker.execution.Outcome;
import io.integration.worker.execution.OwnershipLostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The job side of the worker: executes a job on a virtual thread, publishes its outputs, and decides what a
 * failure means. A job is finished — handed back to the poll thread through {@link #finished} — only when all
 * its outputs are acknowledged by the broker.
 *
 * <p>Failures: transient ones (store, registry, broker) make the job try again after a backoff (0.5 s doubling
 * to 10 s), without limit; only outputs not yet acknowledged are sent again, so an event is published once.
 * A failure that is the record's own fault ({@link SendFailures}) escalates, within
 * {@code maxPublishAttempts} tries: a result that cannot be published is replaced by an error result on the
 * default results topic ({@code RESULT_TOO_LARGE}, {@code REPLY_TO_NOT_ALLOWED}); when even that cannot be
 * published, the original record goes to the dead-letter topic, whose send is retried until acknowledged.
 */
final class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    private static final long MIN_BACKOFF_MS = 500;
    private static final long MAX_BACKOFF_MS = 10_000;
    private static final long BROKER_UP_WINDOW_NANOS = 10_000_000_000L;

    private final Producer<byte[], byte[]> producer;
    private final OutputPlanner planner;
    private final OwnershipFence fence;
    private final Topics topics;
    private final int maxPublishAttempts;
    private final Clock clock;
    private final FailureLog failures = new FailureLog(log);
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "integration-worker-retries");
        t.setDaemon(true);
        return t;
    });
    private final Queue<Job> finished = new ConcurrentLinkedQueue<>();
    /** Jobs started and not finished, including those waiting for a retry or for acks. */
    private final AtomicInteger active = new AtomicInteger();
    /** When the broker last acknowledged a record of this worker ({@link System#nanoTime()}). */
    private volatile long lastAckNanos = System.nanoTime() - BROKER_UP_WINDOW_NANOS;
    private final java.util.function.Consumer<String> acknowledged;

    JobRunner(Producer<byte[], byte[]> producer, OutputPlanner planner, OwnershipFence fence, Topics topics, int maxPublishAttempts,
              Clock clock) {
        this(producer, planner, fence, topics, maxPublishAttempts, output -> { }, clock);
    }

    /** {@code acknowledged}: told the kind of each output record the cluster acknowledged (result, reply, event, dead_letter, retry). */
    JobRunner(Producer<byte[], byte[]> producer, OutputPlanner planner, OwnershipFence fence, Topics topics, int maxPublishAttempts,
              java.util.function.Consumer<String> acknowledged, Clock clock) {
        this.acknowledged = acknowledged;
        if (maxPublishAttempts < 1) {
            throw new IllegalArgumentException("worker.max.publish.attempts: " + maxPublishAttempts + " (expected: >= 1)");
        }
        this.producer = producer;
        this.planner = planner;
        this.fence = fence;
        this.topics = topics;
        this.maxPublishAttempts = maxPublishAttempts;
        this.clock = clock;
    }

    /** Starts {@code job} on a virtual thread; it counts as active until it is handed back finished. */
    void start(Job job) {
        active.incrementAndGet();
        threads.execute(() -> execute(job));
    }

    /** Jobs started and not finished yet. */
    int active() {
        return active.get();
    }

    /** The next finished job, or null; the poll thread applies it to its partition (and the job stops counting as active). */
    Job nextFinished() {
        Job job = finished.poll();
        if (job != null) {
            active.decrementAndGet();
        }
        return job;
    }

    /** Failures counted so far by kind (transient, publish, unexpected); for tests and metrics. */
    long failures(String kind) {
        return failures.count(kind);
    }

    /** Stops starting work; running jobs are left to end on their own (their partitions are not committed past them). */
    void close() {
        threads.shutdown();
        timers.shutdownNow();
    }

    private void restart(Job job) {
        try {
            threads.execute(() -> execute(job));
        } catch (RejectedExecutionException e) {
            // Shutting down: the record stays uncommitted for the next owner.
        }
    }

    /**
     * One try: plan (from the result log after the first, so a repeat builds identical records), then send what was
     * not acknowledged yet. Nothing escapes: a job that is neither finished nor scheduled again would stall its partition.
     */
    private void execute(Job job) {
        // Every line logged for this request's work (pipeline, adapter, planning) names it: requestId, correlationId, instanceId.
        inLogContext(job, () -> executeInContext(job));
    }

    /** Runs {@code work} with the request's log context on this thread, and takes it off again. */
    private static void inLogContext(Job job, Runnable work) {
        Map<String, String> context = logContext(job.decoded());
        context.forEach(MDC::put);
        try {
            work.run();
        } finally {
            context.keySet().forEach(MDC::remove);
        }
    }

    /** The log context of a request (values were checked for control characters when the record was decoded). */
    static Map<String, String> logContext(DecodedRequest decoded) {
        Map<String, String> context = new java.util.LinkedHashMap<>();
        switch (decoded) {
            case DecodedRequest.Valid v -> {
                context.put("requestId", v.request().requestId());
                putIfPresent(context, "correlationId", v.request().correlationId());
                putIfPresent(context, "instanceId", v.request().instanceId());
            }
            case DecodedRequest.Invalid i -> {
                putIfPresent(context, "requestId", i.requestId());
                putIfPresent(context, "correlationId", i.correlationId());
                putIfPresent(context, "instanceId", i.instanceId());
            }
            case null -> { }
        }
        return context;
    }

    private static void putIfPresent(Map<String, String> context, String key, String value) {
        if (value != null) {
            context.put(key, value);
        }
    }

    private void executeInContext(Job job) {
        if (job.abandoned() && job.stage() != null) {
            // Its partition has a new owner, which answers it from the result log: nothing more is published from here.
            finished.add(job);
            return;
        }
        OutputPlanner.Plan.Publish publish;
        try {
            publish = plan(job);
        } catch (OwnershipLostException e) {
            log.info("Record {}: {}", job.where(), e.getMessage());
            retryLater(job, e, "ownership"); // still fenced after waiting: try again once the loop has settled it
            return;
        } catch (RuntimeException | StackOverflowError e) {
            planningFailed(job, e);
            return;
        }
        if (publish == null) {
            return; // waits in its ordering chain
        }
        job.prepare(publish.answer(), publish.records());
        send(job);
    }

    private void planningFailed(Job job, Throwable e) {
        if (SendFailures.transientWhilePlanning(e)) {
            retryLater(job, e, "transient");
        } else if (job.stage() == Job.Stage.DEAD_LETTER) {
            // Nothing is left to fall back to, and giving up would lose the record: say so loudly, keep trying.
            log.error("Record {}: its dead letter cannot be built; tried again", job.where(), e);
            retryLater(job, e, "dead-letter");
        } else if (job.stage() == Job.Stage.SUBSTITUTE) {
            escalateFurther(job, e);
        } else if (job.countedFailure() < maxPublishAttempts) {
            log.error("Record {} failed unexpectedly; it will be tried again", job.where(), e);
            retryLater(job, e, "unexpected");
        } else {
            log.error("Record {} failed {} times the same way; it goes to {}", job.where(), maxPublishAttempts, topics.deadLetter(), e);
            job.deadLetterWith(DeadLetters.Stage.EXECUTION, e);
            restart(job);
        }
    }

    /** The records of this try, or null when the job waits in place. */
    private OutputPlanner.Plan.Publish plan(Job job) {
        if (job.stage() == Job.Stage.DEAD_LETTER) {
            advanceChain(job); // a job dead-lettered before it executed must not hold its chain's later requests
            return planner.deadLetter(job, job.deadLetter().stage(), job.deadLetter().cause(), job.deadLetterCompaction());
        }
        if (job.substitute() != null && !job.substitute().recorded()) {
            planner.recordSubstitute(job.substitute().published(), job.substitute().failure());
            job.substituteRecorded();
        }
        OutputPlanner.Plan.Publish publish = switch (planner.plan(job, fence.forJob(job))) {
            case OutputPlanner.Plan.WaitInPlace wait -> {
                // An ordered request may not leave its chain: it keeps its slot and its place, on a timer, no thread held.
                job.waitedInPlace(wait.attempts());
                long delay = Math.max(0, Duration.between(clock.instant(), wait.notBefore()).toMillis());
                log.info("Record {} waits {} ms in its ordering chain: {}", job.where(), delay, wait.reason());
                schedule(job, delay);
                yield null;
            }
            case OutputPlanner.Plan.Publish p -> p;
        };
        if (publish != null) {
            advanceChain(job);
        }
        return publish;
    }

    /** The next request of an ordering chain may run once this one has executed (or given up); acks are awaited separately. */
    private void advanceChain(Job job) {
        if (!job.executedOnce()) {
            Job next = job.leaveChain();
            if (next != null) {
                start(next);
            }
        }
    }

    /**
     * Sends the records not acknowledged yet; the last callback decides what happens next. A result bound for a
     * requester's {@code replyTo} goes first and its event only once it is acknowledged: if that topic refuses the
     * result, the event describes the substitute the requester gets instead.
     */
    private void send(Job job) {
        List<ProducerRecord<byte[], byte[]>> outputs = job.outputs();
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        Throwable[] errors = new Throwable[outputs.size()];
        boolean resultFirst = job.answer() != null && !job.answer().resultTopic().equals(topics.results()) && !job.acked(0);
        for (int i = 0; i < outputs.size(); i++) {
            if (job.acked(i) || (resultFirst && i > 0)) {
                continue;
            }
            int index = i;
            acks.add(send(outputs.get(i)).handle((ok, error) -> {
                if (error == null) {
                    job.ack(index);
                } else {
                    errors[index] = SendFailures.unwrap(error);
                }
                return null;
            }));
        }
        // On the producer's thread: the request's log context for what its acknowledgements lead to.
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).whenComplete((ok, ignored) -> inLogContext(job, () -> {
            try {
                sent(job, errors);
            } catch (RuntimeException | StackOverflowError e) {
                // Never lost in a callback: the job would be neither finished nor tried again.
                log.error("Record {}: handling its acknowledgements failed; tried again", job.where(), e);
                job.forgetOutputs();
                retryLater(job, e, "unexpected");
            }
        }));
    }

    private void sent(Job job, Throwable[] errors) {
        List<ProducerRecord<byte[], byte[]>> outputs = job.outputs();
        // Whether the broker takes writes: this record's other outputs, or any output of this worker lately.
        boolean brokerUp = System.nanoTime() - lastAckNanos < BROKER_UP_WINDOW_NANOS;
        SendFailures.Kind worst = null;
        int failed = -1;
        for (int i = 0; i < outputs.size(); i++) {
            brokerUp |= job.acked(i);
        }
        for (int i = 0; i < errors.length; i++) {
            if (errors[i] != null) {
                SendFailures.Kind kind = SendFailures.ofSend(errors[i], !isOwnTopic(outputs.get(i).topic()), brokerUp);
                if (worst == null || kind.compareTo(worst) > 0) {
                    worst = kind;
                    failed = i;
                }
            }
        }
        if (worst == null) {
            for (int i = 0; i < outputs.size(); i++) {
                if (!job.acked(i)) {
                    // The event of a reply-topic result, now that the result is in. Not from here: this is the producer's
                    // I/O thread, and a send that waits for metadata would wait for this very thread.
                    sendLater(job);
                    return;
                }
            }
            job.forgetOutputs();
            finished.add(job);
            return;
        }
        Throwable error = errors[failed];
        ProducerRecord<byte[], byte[]> output = outputs.get(failed);
        OutputPlanner.Answer answer = job.answer();
        job.forgetOutputs();
        switch (worst) {
            case TRANSIENT -> retryLater(job, error, "transient");
            case SUSPECT -> {
                if (job.countedFailure() < maxPublishAttempts) {
                    retryLater(job, error, "publish");
                } else {
                    escalate(job, answer, output, error);
                }
            }
            case PERMANENT -> escalate(job, answer, output, error);
        }
    }

    /** The record's outputs cannot be published as planned: its substitute answer, then its dead letter. */
    private void escalate(Job job, OutputPlanner.Answer answer, ProducerRecord<byte[], byte[]> output, Throwable error) {
        switch (job.stage()) {
            case ANSWER -> {
                if (answer == null) {
                    log.warn("Record {}: {} refused its record ({}); the original goes to {}", job.where(), output.topic(), error.toString(),
                            topics.deadLetter());
                    if (job.poison() != null) {
                        // Its dead letter itself was refused: the same dead letter, smaller if that was the problem.
                        job.deadLetterWith(job.poison().stage(), job.poison());
                        if (SendFailures.tooLarge(error)) {
                            job.compactDeadLetter();
                        }
                    } else {
                        job.deadLetterWith(DeadLetters.Stage.OUTPUT, error);
                    }
                    restart(job);
                    return;
                }
                boolean resultFailed = output.topic().equals(answer.resultTopic());
                ErrorCode code = SendFailures.tooLarge(error) ? ErrorCode.RESULT_TOO_LARGE
                        : resultFailed && !answer.resultTopic().equals(topics.results()) ? ErrorCode.REPLY_TO_NOT_ALLOWED : ErrorCode.EXECUTION_ERROR;
                String message = (resultFailed ? "the result" : "the event") + " cannot be published to '" + output.topic() + "': "
                        + error.getClass().getSimpleName() + ": " + error.getMessage();
                log.warn("Request {}: {}; answered with {} on {}", answer.result().requestId(), message, code, topics.results());
                // Recorded before it is published, so a redelivery answers the same way, never with the original too.
                job.substituteWith(answer.result(), new Outcome.Failure(code, message, false, null,
                        "{\"recordBytes\":" + OutputPlanner.size(output) + "}"));
                restart(job);
            }
            case SUBSTITUTE -> escalateFurther(job, error);
            case DEAD_LETTER -> {
                if (SendFailures.tooLarge(error) && job.compactDeadLetter()) {
                    log.warn("Record {}: its dead letter is too large for {}; sent again with less", job.where(), topics.deadLetter());
                    restart(job);
                    return;
                }
                // The dead letter is the last resort: it is never given up, or the record would be lost.
                log.error("Record {}: its dead letter cannot be published to {}: {}; tried again", job.where(), topics.deadLetter(), error.toString());
                retryLater(job, error, "dead-letter");
            }
        }
    }

    private void escalateFurther(Job job, Throwable error) {
        log.warn("Record {}: not even an error result can be published ({}); the original goes to {}", job.where(), error.toString(),
                topics.deadLetter());
        job.deadLetterWith(DeadLetters.Stage.OUTPUT, error);
        restart(job);
    }

    private void retryLater(Job job, Throwable cause, String kind) {
        if (job.abandoned()) {
            log.info("Record {} belongs to a partition this worker lost; its next owner answers it", job.where());
            finished.add(job);
            return;
        }
        int n = job.transientFailure();
        long backoff = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS << Math.min(n - 1, 10));
        failures.warn(kind, "Record {} will be tried again in {} ms ({} failure): {}", job.where(), backoff, kind, cause.toString());
        schedule(job, backoff);
    }

    private void sendLater(Job job) {
        try {
            threads.execute(() -> send(job));
        } catch (RejectedExecutionException e) {
            // Shutting down: the record stays uncommitted for the next owner.
        }
    }

    private void schedule(Job job, long delayMs) {
        try {
            timers.schedule(() -> restart(job), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down: the record stays uncommitted for the next owner.
        }
    }

    private CompletableFuture<Void> send(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    lastAckNanos = System.nanoTime();
                    acknowledged.accept(output(record.topic()));
                    ack.complete(null);
                } else {
                    ack.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            // Thrown rather than reported (a closed producer, an interrupted metadata wait): the same handling.
            ack.completeExceptionally(e);
        }
        return ack;
    }

    /** What an output record is, by its topic (a metric label: never the name of a reply topic). */
    private String output(String topic) {
        return topic.equals(topics.results()) ? "result" : topic.equals(topics.events()) ? "event"
                : topic.equals(topics.deadLetter()) ? "dead_letter" : topic.equals(topics.retry()) ? "retry" : "reply";
    }

    private boolean isOwnTopic(String topic) {
        return topic.equals(topics.results()) || topic.equals(topics.events()) || topic.equals(topics.deadLetter())
                || topic.equals(topics.retry());
    }
}
