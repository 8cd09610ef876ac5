package io.integration.bench.arms;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The efficiency ceiling: consume → asynchronous call → two produces, offsets committed as polled. Tuned to cost as
 * little as the HTTP client allows: a bounded number of calls (and so of connections) in flight, a fixed two-thread
 * executor for the client, no per-request timeout (each one is a timer the client keeps in a sorted list). No ordering,
 * no result log, no validation, no safety: nothing this worker would ship, only the least work the same job can take.
 *
 * <p>Two HTTP clients: Jetty 12's ({@code skeleton}, the cheaper: the ceiling) and the JDK's ({@code skeleton-jdk}, first
 * argument {@code --client=jdk}), so that what the client costs is measured in the same run, not assumed.
 */
public final class SkeletonLoop {

    private static final Executor RETRY_LATER = CompletableFuture.delayedExecutor(BaselineArgs.RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS);

    private SkeletonLoop() {
    }

    /** A GET of a URL: its status and body. */
    private interface Client {
        CompletableFuture<Answer> get(String url);
    }

    private record Answer(int status, String body) {
    }

    private static CompletableFuture<String> callUntilSuccess(Client http, BaselineArgs.Call call) {
        return http.get(call.url())
                .handle((answer, error) -> answer != null && BaselineArgs.succeeded(answer.status())
                        ? CompletableFuture.completedFuture(answer.body())
                        : CompletableFuture.supplyAsync(() -> call, RETRY_LATER).thenCompose(again -> callUntilSuccess(http, again)))
                .thenCompose(f -> f);
    }

    private static Client jdk() {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(Duration.ofSeconds(10)).build();
        return url -> http.sendAsync(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> new Answer(response.statusCode(), response.body()));
    }

    private static Client jetty(int inFlight) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(4, 2);
        threads.setName("jetty-client");
        threads.setDaemon(true);
        org.eclipse.jetty.client.HttpClient http = new org.eclipse.jetty.client.HttpClient();
        http.setExecutor(threads);
        http.setMaxConnectionsPerDestination(inFlight);
        http.setMaxRequestsQueuedPerDestination(inFlight * 2);
        http.setConnectTimeout(10_000);
        http.setFollowRedirects(false);
        http.start();
        return url -> new CompletableResponseListener(http.newRequest(url), 4 * 1024 * 1024).send()
                .thenApply(response -> new Answer(response.getStatus(), response.getContentAsString()));
    }

    public static void main(String[] argv) throws Exception {
        boolean jdk = argv.length > 0 && argv[0].equals("--client=jdk");
        BaselineArgs args = BaselineArgs.parse(jdk ? Arrays.copyOfRange(argv, 1, argv.length) : argv);
        int limit = args.inFlight() > 0 ? args.inFlight() : 256;
        Client http = jdk ? jdk() : jetty(limit);
        Semaphore inFlight = new Semaphore(limit);
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
