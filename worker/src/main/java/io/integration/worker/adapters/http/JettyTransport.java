package io.integration.worker.adapters.http;

import io.integration.worker.adapter.OutboundPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * Jetty 12's HTTP client, set to behave as the adapter expects of any client: HTTP/1.1, connections kept alive per host
 * and closed after 30 s idle (as the JDK client), no redirects, no cookies kept between calls (one instance's cookies would
 * go to another's calls), no decoding of gzip (the adapter inflates it itself, capped), none of Jetty's protocol handlers
 * (401 authentication, 100-continue), no proxy. Names resolve through {@link java.net.InetAddress}, so the outbound
 * policy's pins hold as for the JDK client. Up to {@link #MAX_CONNECTIONS_PER_HOST} connections per host; the
 * instances' bulkheads and {@code worker.max.in.flight} bound the calls, so the queue per host is set far above them.
 *
 * <p>Measured against the JDK client in the same run (docs/performance.md): the tuned skeleton costs a third less CPU per
 * request with it.
 */
final class JettyTransport implements HttpTransport {

    static final int MAX_CONNECTIONS_PER_HOST = 1024;
    /** Far above any worker.max.in.flight in use: the worker's own bounds hold the calls, not this queue. */
    private static final int QUEUED_PER_HOST = 65_536;
    private static final HttpField USER_AGENT = new HttpField(HttpHeader.USER_AGENT, "integration-service");

    /**
     * One started client per connect timeout, shared by every transport of the process (the http, graphql and webhook
     * adapters, a worker restarted in the same JVM): a Jetty client holds threads until stopped, and adapters have no
     * close, so a client per adapter would leave its threads behind. Its threads are daemons: they never keep the JVM up.
     */
    private static final Map<Settings, HttpClient> SHARED = new ConcurrentHashMap<>();
    /** What the JDK client allows by default ({@code jdk.http.maxHeaderSize}); Jetty's own default is no limit. */
    private static final int MAX_RESPONSE_HEADER_BYTES = 384 * 1024;

    private record Settings(Duration connectTimeout, OutboundPolicy policy) {
    }

    private final HttpClient client;

    JettyTransport(Duration connectTimeout, OutboundPolicy policy) {
        client = SHARED.computeIfAbsent(new Settings(connectTimeout, policy), JettyTransport::start);
    }

    private static HttpClient start(Settings settings) {
        Duration connectTimeout = settings.connectTimeout();
        QueuedThreadPool threads = new QueuedThreadPool(Math.max(8, 2 * Runtime.getRuntime().availableProcessors()), 2);
        threads.setName("jetty-client");
        threads.setDaemon(true);
        HttpClient client = new HttpClient();
        client.setExecutor(threads);
        client.setScheduler(new ScheduledExecutorScheduler("jetty-client-scheduler", true));
        client.setConnectTimeout(connectTimeout.toMillis());
        client.setIdleTimeout(30_000);
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(USER_AGENT);
        client.setMaxConnectionsPerDestination(MAX_CONNECTIONS_PER_HOST);
        client.setMaxRequestsQueuedPerDestination(QUEUED_PER_HOST);
        client.setMaxResponseHeadersSize(MAX_RESPONSE_HEADER_BYTES);
        client.setDefaultRequestContentType(null); // a body without a Content-Type goes without one, as with the JDK client
        client.setSocketAddressResolver(checkingResolver(settings.policy(), threads));
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("the Jetty HTTP client did not start: " + e, e);
        }
        // Both are filled as the client starts.
        client.getContentDecoderFactories().clear();
        client.getProtocolHandlers().clear();
        return client;
    }

    /**
     * Resolves through {@link InetAddress} (so a pinned name gets its pinned addresses) and checks every address against
     * the outbound policy. Jetty may open a connection after the call that asked for it is over, its pin released, and
     * pool it for the next call: a name rebound to a refused address in the meantime is refused here, not connected.
     */
    private static SocketAddressResolver checkingResolver(OutboundPolicy policy, Executor executor) {
        return (host, port, context, promise) -> executor.execute(() -> {
            try {
                List<InetSocketAddress> addresses = new ArrayList<>();
                for (InetAddress address : InetAddress.getAllByName(host)) {
                    policy.checkConnection(host, address);
                    addresses.add(new InetSocketAddress(address, port));
                }
                promise.succeeded(addresses);
            } catch (Throwable e) {
                promise.failed(e);
            }
        });
    }

    @Override
    public CompletableFuture<Answer> send(Outgoing outgoing, Supplier<CappedBody> body) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        attempt(outgoing, body, answer, REPEATABLE.contains(outgoing.verb()));
        return answer;
    }

    /**
     * Verbs sent once more when a kept-alive connection turns out closed before any answer came (the server closed it
     * as it was reused: the JDK's HTTP server closes connections beyond 200 idle ones). The JDK client does the same for
     * these verbs; anything else is answered with the failure (the server may have read the request).
     */
    private static final java.util.Set<String> REPEATABLE = java.util.Set.of("GET", "HEAD", "OPTIONS");

    private void attempt(Outgoing outgoing, Supplier<CappedBody> body, CompletableFuture<Answer> answer, boolean mayRepeat) {
        Request request = client.newRequest(outgoing.uri()).method(outgoing.verb());
        // The connection's 30 s idle timeout would also end a call waiting longer for its answer: the call's deadline
        // bounds it instead (the adapter cancels the exchange then).
        request.idleTimeout(Math.max(1, outgoing.timeout().toMillis()), TimeUnit.MILLISECONDS);
        request.headers(fields -> outgoing.headers().forEach(fields::put));
        if (outgoing.body() != null) {
            request.body(new BytesRequestContent(outgoing.headers().get("Content-Type"), outgoing.body()));
        }
        Runnable repeat = mayRepeat ? () -> attempt(outgoing, body, answer, false) : null;
        request.send(new Listener(body, answer, repeat));
        answer.whenComplete((ignored, error) -> {
            if (error instanceof CancellationException) {
                request.abort(error);
            }
        });
    }

    /** A connection found closed before the answer began: nothing of an answer was read. */
    private static boolean closedUnderneath(Throwable failure) {
        return failure instanceof java.io.EOFException || failure instanceof java.nio.channels.ClosedChannelException;
    }

    /** Reads one answer into its {@link CappedBody}, asking Jetty for more only once the body has reserved what it has. */
    private static final class Listener implements Response.Listener {
        private final Supplier<CappedBody> bodies;
        private final CompletableFuture<Answer> answer;
        private volatile CappedBody body;

        /** Sends the request once more (a repeatable verb on a connection found closed), or null. */
        private final Runnable repeat;

        Listener(Supplier<CappedBody> bodies, CompletableFuture<Answer> answer, Runnable repeat) {
            this.bodies = bodies;
            this.answer = answer;
            this.repeat = repeat;
        }

        @Override
        public void onHeaders(Response response) {
            body = bodies.get();
        }

        @Override
        public void onContent(Response response, Content.Chunk chunk, Runnable demander) {
            ByteBuffer bytes = chunk.getByteBuffer();
            // The chunk is Jetty's again once this returns: the body copies it now and asks for more when it may.
            body.offer(new CappedBody.Stream() {
                @Override
                public void more() {
                    demander.run();
                }

                @Override
                public void stop(Throwable why) {
                    response.abort(why);
                }
            }, bytes);
        }

        @Override
        public void onContent(Response response, ByteBuffer content) {
            throw new UnsupportedOperationException("content is read with demand (onContent with a demander)");
        }

        @Override
        public void onComplete(Result result) {
            CappedBody read = body;
            if (result.isFailed()) {
                Throwable failure = result.getFailure();
                if (read == null) {
                    if (repeat != null && closedUnderneath(failure) && !answer.isDone()) {
                        repeat.run();
                    } else {
                        answer.completeExceptionally(failure);
                    }
                    return;
                }
                read.failed(failure); // a body that failed first (cap, budget) keeps its own reason
                read.result().whenComplete((bytes, error) -> answer.completeExceptionally(error != null ? error : failure));
                return;
            }
            Response response = result.getResponse();
            Map<String, List<String>> headers = Answer.newHeaders();
            for (HttpField field : response.getHeaders()) {
                headers.computeIfAbsent(field.getName(), n -> new java.util.ArrayList<>(1)).add(field.getValue());
            }
            read.complete();
            read.result().whenComplete((bytes, error) -> {
                if (error != null) {
                    answer.completeExceptionally(error);
                } else {
                    answer.complete(new Answer(response.getStatus(), headers, bytes));
                }
            });
        }
    }
}
