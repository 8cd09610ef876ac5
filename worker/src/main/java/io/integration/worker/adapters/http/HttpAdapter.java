package io.integration.worker.adapters.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integration.worker.adapter.Adapter;
import io.integration.worker.adapter.AdapterCall;
import io.integration.worker.adapter.AdapterException;
import io.integration.worker.adapter.AdapterResponse;
import io.integration.worker.adapter.ByteBudget;
import io.integration.worker.adapter.OutboundPolicy;
import io.integration.worker.adapter.RawBody;
import io.integration.registry.secret.Secret;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code http} adapter: one HTTP/1.1 call per method call, built from the method's {@code http}
 * binding (verb, path template, query and header templates, params as JSON body).
 *
 * <p>The call's timeout covers the whole exchange including the body (the JDK client's own request
 * timeout stops at the headers), and the body is capped. Redirects are followed only when the method sets
 * {@code http.followRedirects}: each hop is checked by the outbound policy again, never from https to http, and a hop to
 * another origin carries neither the credential nor the definition's headers (a 307/308 with a body to another origin is
 * refused). Otherwise a 3xx is an upstream answer like any other. 5xx, 408 and 429 are retriable; other statuses are not.
 */
public final class HttpAdapter implements Adapter {

    private static final ObjectMapper JSON = io.integration.worker.adapters.AdapterJson.mapper();
    private static final int SNIPPET = 200;

    private final HttpTransport transport;
    private final OutboundPolicy policy;
    private final Clock clock;
    private final ByteBudget budget;

    HttpAdapter(HttpTransport transport, OutboundPolicy policy, Clock clock, ByteBudget budget) {
        this.transport = transport;
        this.policy = policy;
        this.clock = clock;
        this.budget = budget;
    }

    /** An adapter without a byte budget (tests). */
    HttpAdapter(HttpTransport transport, OutboundPolicy policy, Clock clock) {
        this(transport, policy, clock, ByteBudget.unlimited());
    }

    @Override
    public AdapterResponse execute(AdapterCall call) throws AdapterException {
        HttpBinding binding = HttpBinding.from(call.methodName(), call.binding());
        String path = Template.expandPath(binding.path(), call.params(), call.config());
        URI uri = uri(call, path, binding, null, null);
        String what = binding.verb() + " " + path;
        long deadlineNanos = System.nanoTime() + call.timeout().toNanos();
        Pagination pagination = binding.pagination();
        if (pagination == null) {
            return exchange(call, binding, uri, what, deadlineNanos);
        }
        if (!binding.verb().equals("GET")) {
            throw new AdapterException.InvalidCall("method '" + call.methodName() + "': http.pagination is for GET methods (this one is "
                    + binding.verb() + ")");
        }
        return Pages.collect(pagination, uri, call.maxResponseBytes(), deadlineNanos, what,
                page -> exchange(call, binding, withAuthQuery(page, call), what, deadlineNanos),
                cursor -> uri(call, path, binding, pagination.cursorParam(), cursor));
    }

    /** One exchange (following the redirects the method allows) within {@code deadlineNanos}. */
    private AdapterResponse exchange(AdapterCall call, HttpBinding binding, URI uri, String what, long deadlineNanos)
            throws AdapterException {
        URI origin = uri;
        AdapterCall hop = call;
        String verb = binding.verb();
        boolean withBody = binding.sendParamsAsBody();
        boolean crossOrigin = false;
        Body body;
        HttpTransport.Answer response;
        // Each host's pin is held until the exchange is over: the connection goes to the addresses its check saw.
        List<OutboundPolicy.Hold> holds = new ArrayList<>();
        try {
            holds.add(policy.check(uri, call.allowedHosts()));
            for (int redirects = 0; ; redirects++) {
                body = new Body();
                response = send(request(hop, binding, uri, verb, withBody, !crossOrigin, deadlineNanos), body, deadlineNanos, what, hop);
                int status = response.status();
                if (!REDIRECTS.contains(status) || redirects >= binding.followRedirects()) {
                    break;
                }
                body.abandon();
                URI next = redirectTarget(uri, response, what);
                holds.add(policy.check(next, call.allowedHosts())); // every hop: allowed host, scheme, port, addresses
                if (!sameOrigin(origin, next)) {
                    if (withBody && (status == 307 || status == 308)) {
                        throw new AdapterException.DestinationNotAllowed(what + " redirected with " + status + " to another origin ("
                                + next.getHost() + "), which would receive the request body again");
                    }
                    // Nothing of the call's own goes to another origin: no credential, no header from the definition.
                    hop = hop.withAuth(AdapterCall.Auth.NONE);
                    crossOrigin = true;
                }
                if (status == 303 && !verb.equals("HEAD") || (status == 301 || status == 302) && verb.equals("POST")) {
                    verb = "GET";
                    withBody = false;
                }
                uri = next;
            }
        } finally {
            holds.forEach(OutboundPolicy.Hold::close);
        }
        int status = response.status();
        if (status >= 200 && status < 300) {
            boolean gzip = response.header("content-encoding").map(v -> v.equalsIgnoreCase("gzip")).orElse(false);
            try {
                byte[] bytes = response.body();
                if (gzip) {
                    bytes = Gzip.inflate(bytes, call.maxResponseBytes(), what);
                    reserve(body, bytes.length, deadlineNanos, what); // the inflated body stays on the heap: it counts too
                }
                byte[] json = BodyFormats.toJson(what, response.header("content-type").orElse(null), bytes,
                        call.maxResponseBytes());
                if (json.length > call.maxResponseBytes()) {
                    throw new AdapterException.ResponseTooLarge(what + ": response body decoded to JSON exceeds " + call.maxResponseBytes() + " bytes");
                }
                // A decoded body (XML, CSV, form, text as JSON) may be larger than the bytes received: it counts too.
                reserve(body, json.length - bytes.length, deadlineNanos, what);
                return new AdapterResponse(status, response.headers(), json, body.reservation());
            } catch (InterruptedException e) {
                body.abandon();
                Thread.currentThread().interrupt();
                throw new AdapterException.Timeout(what + " was interrupted (worker shutting down)");
            } catch (AdapterException | RuntimeException e) {
                body.abandon();
                throw e;
            } catch (Error e) {
                body.abandon(); // not even an OutOfMemoryError keeps the bytes reserved
                throw e;
            }
        }
        body.abandon();
        Duration wait = RetryAfter.parse(response.header("retry-after").orElse(null), clock);
        if (wait == null && status == 429) {
            wait = RetryAfter.fromReset(response.header("x-ratelimit-reset").orElse(null), clock);
        }
        throw new AdapterException.UpstreamStatus(what + " answered " + status + call.auth().redact(snippet(response.body())), status, wait);
    }

    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    /** Sends one request and waits for its answer within what is left of the call's deadline. */
    private HttpTransport.Answer send(HttpTransport.Outgoing request, Body body, long deadlineNanos, String what, AdapterCall call)
            throws AdapterException {
        long left = deadlineNanos - System.nanoTime();
        CompletableFuture<HttpTransport.Answer> future;
        try {
            future = transport.send(request, () -> body.create(call.maxResponseBytes(), budget, deadlineNanos));
        } catch (IllegalArgumentException e) {
            throw new AdapterException.DestinationNotAllowed("'" + request.uri().getScheme() + "://" + request.uri().getRawAuthority()
                    + "' is not a URL the HTTP client can call");
        }
        try {
            return future.get(Math.max(left, 0), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            body.abandon();
            throw new AdapterException.Timeout(what + " did not complete within " + call.timeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            future.cancel(true);
            body.abandon();
            Thread.currentThread().interrupt();
            throw new AdapterException.Timeout(what + " was interrupted (worker shutting down)");
        } catch (ExecutionException e) {
            body.abandon();
            throw translate(what, e.getCause(), call);
        }
    }

    /** Where a redirect points, resolved against the request's URL; never from https to http. */
    private static URI redirectTarget(URI from, HttpTransport.Answer response, String what) throws AdapterException {
        String location = response.header("location").orElse(null);
        if (location == null) {
            throw new AdapterException.UpstreamStatus(what + " answered " + response.status() + " without a Location", response.status(), null);
        }
        URI next;
        try {
            next = from.resolve(new URI(location.trim()));
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw new AdapterException.DestinationNotAllowed(what + " redirected to a Location that is not a URL");
        }
        if ("https".equalsIgnoreCase(from.getScheme()) && !"https".equalsIgnoreCase(next.getScheme())) {
            throw new AdapterException.DestinationNotAllowed(what + " redirected from https to " + next.getScheme() + " (never downgraded)");
        }
        return next;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /**
     * The body subscriber the client creates on its own thread, possibly after this call gave up on the response: a
     * body abandoned before or after it exists gives its bytes back and takes no more, so no reservation leaks.
     */
    private static final class Body {
        private CappedBody subscriber;
        private boolean abandoned;

        synchronized CappedBody create(long cap, ByteBudget budget, long deadlineNanos) {
            subscriber = new CappedBody(cap, budget, deadlineNanos);
            if (abandoned) {
                subscriber.reservation().release(); // a released reservation refuses to grow: the body fails at once
            }
            return subscriber;
        }

        synchronized void abandon() {
            abandoned = true;
            if (subscriber != null) {
                subscriber.reservation().release();
            }
        }

        synchronized ByteBudget.Reservation reservation() {
            return subscriber.reservation();
        }
    }

    /** The call's URL; {@code extraName=extraValue} (a page cursor) replaces the binding's query parameter of that name. */
    private static URI uri(AdapterCall call, String path, HttpBinding binding, String extraName, String extraValue)
            throws AdapterException.InvalidCall {
        if (call.baseUrl() == null) {
            throw new AdapterException.InvalidCall("definition has no baseUrl (expected: http(s)://host[:port][/prefix])");
        }
        StringJoiner query = new StringJoiner("&");
        for (Map.Entry<String, String> q : binding.query().entrySet()) {
            if (!q.getKey().equals(extraName)) {
                query.add(Template.encode(q.getKey()) + "=" + Template.expand(q.getValue(), call.params(), call.config(), Template::encode));
            }
        }
        if (extraName != null) {
            query.add(Template.encode(extraName) + "=" + Template.encode(extraValue));
        }
        for (Map.Entry<String, Secret> q : call.auth().queryParameters().entrySet()) {
            query.add(Template.encode(q.getKey()) + "=" + Template.encode(q.getValue().reveal()));
        }
        String base = call.baseUrl().endsWith("/") ? call.baseUrl().substring(0, call.baseUrl().length() - 1) : call.baseUrl();
        try {
            return URI.create(base + path + (query.length() == 0 ? "" : "?" + query));
        } catch (IllegalArgumentException e) {
            throw new AdapterException.InvalidCall("cannot build a URL from baseUrl '" + call.baseUrl() + "' and path '" + path + "'");
        }
    }

    /** Reserves {@code more} bytes (none when not positive) of the worker's budget for this answer, waiting until the deadline. */
    private void reserve(Body body, long more, long deadlineNanos, String what) throws AdapterException, InterruptedException {
        if (more > 0 && !body.reservation().grow(more, deadlineNanos)) {
            throw new AdapterException.Timeout(what + ": response bodies in flight used the whole worker.max.in.flight.bytes budget ("
                    + budget.capacity() + " bytes) until the call's deadline");
        }
    }

    /** {@code page} with the call's secret query parameters that a next-page link left out (the API would refuse it). */
    private static URI withAuthQuery(URI page, AdapterCall call) {
        String query = page.getRawQuery() == null ? "" : page.getRawQuery();
        StringJoiner more = new StringJoiner("&");
        for (Map.Entry<String, Secret> q : call.auth().queryParameters().entrySet()) {
            String name = Template.encode(q.getKey());
            if (!("&" + query).contains("&" + name + "=")) {
                more.add(name + "=" + Template.encode(q.getValue().reveal()));
            }
        }
        if (more.length() == 0) {
            return page;
        }
        String raw = page.toString();
        int fragment = raw.indexOf('#');
        String base = fragment < 0 ? raw : raw.substring(0, fragment);
        return URI.create(base + (query.isEmpty() ? "?" : "&") + more);
    }

    private static HttpTransport.Outgoing request(AdapterCall call, HttpBinding binding, URI uri, String verb, boolean withBody,
                                                  boolean withBindingHeaders, long deadlineNanos) throws AdapterException {
        byte[] body = null;
        Map<String, String> headers = HttpTransport.Outgoing.newHeaders();
        headers.put("Accept", "application/json");
        headers.put("Accept-Encoding", "gzip");
        if (withBody && call.body() instanceof RawBody raw) {
            body = raw.bytes();
            header(headers, "Content-Type", raw.contentType());
        } else if (withBody) {
            body = BodyFormats.encode(call.methodName(), binding.format(), call.body() != null ? call.body() : call.params(), binding.xmlRoot());
            headers.put("Content-Type", binding.format().contentType);
        }
        if (withBindingHeaders) {
            for (Map.Entry<String, String> h : binding.headers().entrySet()) {
                header(headers, h.getKey(), Template.expand(h.getValue(), call.params(), call.config(), v -> v));
            }
        }
        if (call.idempotent()) {
            header(headers, "Idempotency-Key", call.requestId());
        }
        for (Map.Entry<String, Secret> h : call.auth().headers().entrySet()) {
            header(headers, h.getKey(), h.getValue().reveal());
        }
        if (("POST".equals(verb) || "PUT".equals(verb) || "PATCH".equals(verb)) && body == null) {
            body = new byte[0];
        }
        return new HttpTransport.Outgoing(verb, uri, headers, body, Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
    }

    /**
     * Sets a header; a name or value no HTTP client may send (CR, LF, other control characters, a header the client owns)
     * becomes an {@link AdapterException.InvalidCall} naming the header only: the value may be a secret.
     */
    private static void header(Map<String, String> headers, String name, String value) throws AdapterException.InvalidCall {
        String refusal = HttpTransport.HeaderRules.refusal(name, value);
        if (refusal != null) {
            throw new AdapterException.InvalidCall(refusal);
        }
        headers.put(name, value);
    }

    private static AdapterException translate(String what, Throwable cause, AdapterCall call) {
        if (cause instanceof AdapterException.DestinationNotAllowed refused) {
            return refused; // a connection's address refused by the outbound policy (JettyTransport)
        }
        if (cause instanceof CappedBody.BudgetExhaustedException) {
            return new AdapterException.Timeout(what + ": " + cause.getMessage());
        }
        if (cause instanceof CappedBody.BodyTooLargeException) {
            return new AdapterException.ResponseTooLarge(what + ": response body exceeds " + call.maxResponseBytes() + " bytes");
        }
        if (cause instanceof HttpTimeoutException || cause instanceof java.net.SocketTimeoutException
                || cause instanceof TimeoutException) {
            return new AdapterException.Timeout(what + " did not complete within " + call.timeout().toMillis() + " ms");
        }
        if (cause instanceof ConnectException || cause instanceof IOException) {
            return new AdapterException.Unreachable(what + " failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + call.auth().redact(cause.getMessage())), cause);
        }
        return new AdapterException.Unreachable(what + " failed: " + call.auth().redact(String.valueOf(cause)), cause);
    }

    private static String snippet(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String text = new String(body, 0, Math.min(body.length, SNIPPET), StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
        return ": " + text + (body.length > SNIPPET ? "..." : "");
    }
}
