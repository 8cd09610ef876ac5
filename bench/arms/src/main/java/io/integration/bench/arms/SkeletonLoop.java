package io.integration.bench.arms;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The efficiency ceiling: consume → asynchronous call → two produces, offsets committed as polled. Tuned to cost as
 * little as the JDK's HTTP client allows: a bounded number of calls (and so of connections) in flight, a fixed two-thread
 * executor for the client, no per-request timeout (each one is a timer the client keeps in a sorted list). No ordering,
 * no result log, no validation, no safety: nothing this worker would ship, only the least work the same job can take.
 */
public final class SkeletonLoop {

    private static final Executor RETRY_LATER = CompletableFuture.delayedExecutor(BaselineArgs.RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS);

    private SkeletonLoop() {
    }

    private static CompletableFuture<String> callUntilSuccess(HttpClient http, BaselineArgs.Call call) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(call.url())).build(), HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> response != null && BaselineArgs.succeeded(response.statusCode())
                        ? CompletableFuture.completedFuture(response.body())
                        : CompletableFuture.supplyAsync(() -> call, RETRY_LATER).thenCompose(again -> callUntilSuccess(http, again)))
                .thenCompose(f -> f);
    }

    public static void main(String[] argv) throws Exception {
        BaselineArgs args = BaselineArgs.parse(argv);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(Duration.ofSeconds(10)).build();
        Semaphore inFlight = new Semaphore(args.inFlight() > 0 ? args.inFlight() : 256);
        try (KafkaConsumer<byte[], byte[]> consumer = args.consumer(); KafkaProducer<byte[], byte[]> producer = args.producer()) {
            while (true) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    BaselineArgs.Call call = args.call(record.value());
                    inFlight.acquire();
                    callUntilSuccess(http, call).whenComplete((body, error) -> {
                        inFlight.release();
                        producer.send(args.result(call.requestId(), body));
                        producer.send(args.event(call.requestId()));
                    });
                }
                consumer.commitAsync();
            }
        }
    }
}
