package io.integration.worker.adapters.http;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The JDK's HTTP client: HTTP/1.1 (the JDK client puts every HTTP/2 call to a host on one connection and fails the calls
 * beyond the server's stream limit instead of queueing them, JDK-8225647), no redirects (the adapter follows them itself),
 * no proxy (a proxy would resolve the name itself: the outbound check would not hold), a connect timeout. Its
 * asynchronous tasks run on a small fixed pool of daemon threads: the default executor is a cached pool that grows a
 * platform thread per concurrent response, and a virtual thread per task costs a thread start and a continuation per step
 * (measured: about 10 % more CPU per request at W1, docs/performance.md). Nothing blocks on these threads: the body waits
 * for the byte budget on a virtual thread of its own. No per-request timeout is set: each would be a timer the client
 * registers and cancels under its lock; the adapter bounds the wait for the whole exchange and cancels it at the deadline.
 */
final class JdkTransport implements HttpTransport {

    /** The HTTP clients' threads, shared by every client of the process. */
    private static final ExecutorService EXECUTOR = Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), Thread.ofPlatform().daemon().name("http-client-", 0).factory());

    private final HttpClient client;

    JdkTransport(Duration connectTimeout) {
        client = HttpClient.newBuilder()
                .executor(EXECUTOR)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(connectTimeout)
                .build();
    }

    @Override
    public CompletableFuture<Answer> send(Outgoing request, Supplier<CappedBody> body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri());
        for (Map.Entry<String, String> header : request.headers().entrySet()) {
            builder.setHeader(header.getKey(), header.getValue());
        }
        HttpRequest.BodyPublisher content = request.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(request.body());
        CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(builder.method(request.verb(), content).build(),
                info -> new CappedBodySubscriber(body.get()));
        CompletableFuture<Answer> answer = exchange.thenApply(response -> new Answer(response.statusCode(), response.headers().map(),
                response.body()));
        answer.whenComplete((ignored, error) -> {
            if (error instanceof CancellationException) {
                exchange.cancel(true); // the JDK client aborts the exchange
            }
        });
        return answer;
    }
}
