package io.integration.worker.adapters.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.integration.worker.adapter.AdapterCall;
import io.integration.worker.adapter.AdapterException;
import io.integration.worker.adapter.AdapterResponse;
import io.integration.worker.adapter.ByteBudget;
import io.integration.worker.adapter.OutboundPolicy;
import io.integration.registry.secret.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpAdapterTest {

    private WireMockServer api;
    private final HttpAdapter adapter = new HttpAdapter(TransportUnderTest.of(Duration.ofSeconds(2), new OutboundPolicy(true)), new OutboundPolicy(true), Clock.systemUTC());

    @BeforeEach
    void start() {
        api = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        api.start();
    }

    @AfterEach
    void stop() {
        api.stop();
    }

    private AdapterCall call(Map<String, Object> binding, Map<String, Object> params, AdapterCall.Auth auth, Duration timeout, long cap) {
        return new AdapterCall("req-1", "m", "http://127.0.0.1:" + api.port(), Set.of("127.0.0.1"), binding, params, Map.of("owner", "acme corp"),
                auth, true, timeout, cap);
    }

    private AdapterCall call(Map<String, Object> binding, Map<String, Object> params) {
        return call(binding, params, AdapterCall.Auth.NONE, Duration.ofSeconds(2), 1_000_000);
    }

    @Test
    void buildsTheRequestFromTheBindingWithEncodedPlaceholdersAuthAndIdempotencyKey() throws Exception {
        api.stubFor(post(urlPathEqualTo("/repos/acme%20corp/a%2Fb/issues")).willReturn(okJson("{\"number\":1}")));
        AdapterCall.Auth auth = new AdapterCall.Auth(Map.of("Authorization", Secret.of("Bearer t0k")), Map.of("key", Secret.of("k&1")));

        AdapterResponse response = adapter.execute(call(Map.of("method", "POST", "path", "/repos/{config.owner}/{params.repo}/issues",
                        "query", Map.of("source", "{params.source}"), "headers", Map.of("X-Tenant", "{config.owner}")),
                Map.of("repo", "a/b", "title", "Hi", "source", "bot"), auth, Duration.ofSeconds(2), 1000));

        assertThat(response.status()).isEqualTo(200);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("{\"number\":1}");
        api.verify(postRequestedFor(urlEqualTo("/repos/acme%20corp/a%2Fb/issues?source=bot&key=k%261"))
                .withHeader("Authorization", equalTo("Bearer t0k"))
                .withHeader("X-Tenant", equalTo("acme corp"))
                .withHeader("Idempotency-Key", equalTo("req-1"))
                .withRequestBody(equalToJson("{\"repo\":\"a/b\",\"title\":\"Hi\",\"source\":\"bot\"}")));
    }

    @Test
    void clientErrorsArePermanentAndServerErrorsRetriableWithRetryAfter() {
        api.stubFor(get("/missing").willReturn(aResponse().withStatus(404).withBody("{\"message\":\"Not Found\"}")));
        api.stubFor(get("/busy").willReturn(aResponse().withStatus(503).withHeader("Retry-After", "3")));
        api.stubFor(get("/slow-down").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")));
        api.stubFor(get("/reset").willReturn(aResponse().withStatus(429).withHeader("X-RateLimit-Reset", "7")));

        assertThatThrownBy(() -> adapter.execute(call(Map.of("method", "GET", "path", "/missing"), Map.of())))
                .isInstanceOfSatisfying(AdapterException.UpstreamStatus.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).isEqualTo("GET /missing answered 404: {\"message\":\"Not Found\"}");
                });
        assertThatThrownBy(() -> adapter.execute(call(Map.of("method", "GET", "path", "/busy"), Map.of())))
                .isInstanceOfSatisfying(AdapterException.UpstreamStatus.class, e -> {
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(3));
                });
        assertThatThrownBy(() -> adapter.execute(call(Map.of("method", "GET", "path", "/slow-down"), Map.of())))
                .isInstanceOfSatisfying(AdapterException.UpstreamStatus.class, e -> assertThat(e.retryAfter()).contains(Duration.ZERO));
        assertThatThrownBy(() -> adapter.execute(call(Map.of("method", "GET", "path", "/reset"), Map.of())))
                .isInstanceOfSatisfying(AdapterException.UpstreamStatus.class, e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(7)));
    }

    @Test
    void anErrorBodyEchoingTheCredentialIsRedactedInTheMessage() {
        String token = "sk_live_canary_0123456789";
        String basic = java.util.Base64.getEncoder().encodeToString("ada:p4ssw0rd-canary".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        api.stubFor(get("/echo").willReturn(aResponse().withStatus(401)
                .withBody("{\"error\":\"bad token " + token + "\",\"header\":\"Bearer " + token + "\"}")));
        api.stubFor(get("/echo-basic").willReturn(aResponse().withStatus(403).withBody("password p4ssw0rd-canary rejected")));

        assertThatThrownBy(() -> adapter.execute(call(Map.of("method", "GET", "path", "/echo"), Map.of(),
                new AdapterCall.Auth(Map.of("Authorization", Secret.of("Bearer " + token)), Map.of()), Duration.ofSeconds(2), 1_000_000)))
                .hasMessageNotContaining(token).hasMessageContaining("bad token [redacted]");
        assertThatThrownBy(() -> adapter.execute(call(Map.of("method", "GET", "path", "/echo-basic"), Map.of(),
                new AdapterCall.Auth(Map.of("Authorization", Secret.of("Basic " + basic)), Map.of()), Duration.ofSeconds(2), 1_000_000)))
                .hasMessageNotContaining("p4ssw0rd-canary").hasMessageContaining("password [redacted] rejected");
    }

    @Test
    void theTimeoutCoversABodyThatTrickles() {
        api.stubFor(get("/trickle").willReturn(aResponse().withStatus(200).withBody("x".repeat(100)).withChunkedDribbleDelay(50, 5000)));
        long started = System.nanoTime();

        assertThatThrownBy(() -> adapter.execute(call(Map.of("method", "GET", "path", "/trickle"), Map.of(),
                AdapterCall.Auth.NONE, Duration.ofMillis(500), 1000)))
                .isInstanceOf(AdapterException.Timeout.class)
                .hasMessage("GET /trickle did not complete within 500 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aBodyOverTheCapIsRefused() {
        api.stubFor(get("/big").willReturn(okJson("[" + "1,".repeat(5000) + "1]")));

        assertThatThrownBy(() -> adapter.execute(call(Map.of("method", "GET", "path", "/big"), Map.of(), AdapterCall.Auth.NONE,
                Duration.ofSeconds(2), 1024)))
                .isInstanceOf(AdapterException.ResponseTooLarge.class)
                .hasMessageContaining("exceeds 1024 bytes");
    }

    @Test
    void aGzipBodyIsInflatedUnderTheSameCap() throws Exception {
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (var gzip = new java.util.zip.GZIPOutputStream(zipped)) {
            gzip.write(("{\"pad\":\"" + "0".repeat(100_000) + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        api.stubFor(get("/zipped").willReturn(aResponse().withStatus(200).withHeader("Content-Encoding", "gzip").withBody(zipped.toByteArray())));

        AdapterResponse inflated = adapter.execute(call(Map.of("method", "GET", "path", "/zipped"), Map.of(), AdapterCall.Auth.NONE,
                Duration.ofSeconds(2), 1_000_000));
        assertThat(inflated.body()).hasSize(100_010);
        assertThatThrownBy(() -> adapter.execute(call(Map.of("method", "GET", "path", "/zipped"), Map.of(), AdapterCall.Auth.NONE,
                Duration.ofSeconds(2), 50_000)))
                .isInstanceOf(AdapterException.ResponseTooLarge.class).hasMessageContaining("once inflated");
    }

    @Test
    void badCallsArePermanentAndNameWhatIsMissing() {
        assertThatThrownBy(() -> adapter.execute(call(Map.of("method", "GET", "path", "/users/{params.id}"), Map.of())))
                .isInstanceOf(AdapterException.InvalidCall.class)
                .hasMessageContaining("placeholder {params.id}").hasMessageContaining("has no value");
        assertThatThrownBy(() -> adapter.execute(call(Map.of("method", "FETCH", "path", "/x"), Map.of())))
                .isInstanceOf(AdapterException.InvalidCall.class)
                .hasMessageContaining("http.method is 'FETCH' (expected: one of");
        api.verify(0, getRequestedFor(urlPathEqualTo("/x")));
    }

    @Test
    void aHostOutsideTheAllowedHostsIsNotCalled() {
        AdapterCall call = new AdapterCall("r", "m", "http://localhost:" + api.port(), Set.of("api.example.com"),
                Map.of("method", "GET", "path", "/x"), Map.of(), Map.of(), null, false, Duration.ofSeconds(1), 100);

        assertThatThrownBy(() -> adapter.execute(call))
                .isInstanceOf(AdapterException.DestinationNotAllowed.class)
                .hasMessageContaining("host 'localhost' is not in the definition's allowedHosts");
    }

    @Test
    void theStrictPolicyRefusesLoopbackPrivateAndMetadataAddresses() {
        OutboundPolicy strict = OutboundPolicy.strict();
        for (String host : new String[] {"127.0.0.1", "10.1.2.3", "192.168.0.10", "169.254.169.254", "[::1]"}) {
            assertThatThrownBy(() -> strict.check(java.net.URI.create("http://" + host + "/"), Set.of(host.replace("[", "").replace("]", ""))))
                    .as(host)
                    .isInstanceOf(AdapterException.DestinationNotAllowed.class)
                    .hasMessageContaining("which calls may not reach");
        }
    }

    @Test
    void aDotSegmentInAPathParameterIsRefusedSoATemplateCannotClimbOutOfItsPath() {
        for (String climb : new String[] {".", ".."}) {
            assertThatThrownBy(() -> adapter.execute(call(Map.of("method", "GET", "path", "/users/{id}/profile"), Map.of("id", climb))))
                    .isInstanceOf(AdapterException.InvalidCall.class)
                    .hasMessage("placeholder {id} in path '/users/{id}/profile' is '" + climb + "' (expected: a value that is not a dot-segment)");
        }
        assertThat(api.getAllServeEvents()).isEmpty();
    }

    @Test
    void aHeaderValueWithCrLfIsRefusedWithoutRepeatingTheValue() {
        AdapterCall.Auth auth = new AdapterCall.Auth(Map.of("Authorization", Secret.of("Bearer s3cret\r\nX-Evil: 1")), Map.of());

        assertThatThrownBy(() -> adapter.execute(call(Map.of("method", "GET", "path", "/a"), Map.of(), auth, Duration.ofSeconds(2), 1000)))
                .isInstanceOf(AdapterException.InvalidCall.class)
                .hasMessage("header 'Authorization': value not allowed in an HTTP header (expected: no CR, LF or other control characters)")
                .hasNoCause();
        assertThat(api.getAllServeEvents()).isEmpty();
    }

    @Test
    void headersTheClientOwnsOrThatAreNoTokensAreRefusedBeforeAnythingIsSent() {
        for (String owned : List.of("Host", "content-length", "Transfer-Encoding", "Connection")) {
            assertThatThrownBy(() -> adapter.execute(call(Map.of("method", "GET", "path", "/a", "headers", Map.of(owned, "x")), Map.of())))
                    .isInstanceOf(AdapterException.InvalidCall.class)
                    .hasMessage("header '" + owned + "' is set by the HTTP client, not by a definition or a credential");
        }
        assertThatThrownBy(() -> adapter.execute(call(Map.of("method", "GET", "path", "/a", "headers", Map.of("X-Name", "Zoë ✓")), Map.of())))
                .isInstanceOf(AdapterException.InvalidCall.class)
                .hasMessage("header 'X-Name': value has a character outside ISO-8859-1, which an HTTP header cannot carry"
                        + " (expected: Latin-1 text; encode others, e.g. percent-encoding)");
        assertThatThrownBy(() -> adapter.execute(call(Map.of("method", "GET", "path", "/a", "headers", Map.of("X Evil", "x")), Map.of())))
                .isInstanceOf(AdapterException.InvalidCall.class)
                .hasMessage("header name 'X Evil' is not an HTTP token (expected: letters, digits and !#$%&'*+-.^_`|~)");
        assertThat(api.getAllServeEvents()).isEmpty();
    }

    @Test
    void theClientSendsNoHeadersOfItsOwnBeyondTheProtocolsAndKeepsNoCookies() throws Exception {
        api.stubFor(get("/login").willReturn(okJson("{}").withHeader("Set-Cookie", "session=tenant-a; Path=/")));
        api.stubFor(get("/me").willReturn(okJson("{}")));

        adapter.execute(call(Map.of("method", "GET", "path", "/login"), Map.of()));
        adapter.execute(call(Map.of("method", "GET", "path", "/me"), Map.of()));

        var me = api.findAll(getRequestedFor(urlEqualTo("/me"))).get(0);
        assertThat(me.containsHeader("Cookie")).as("a cookie of one call sent with another").isFalse();
        assertThat(me.getHeader("Accept-Encoding")).isEqualTo("gzip");
        assertThat(me.getHeader("Accept")).isEqualTo("application/json");
        assertThat(me.containsHeader("Authorization")).isFalse();
    }

    @Test
    void responseBytesAreReservedInTheWorkersBudgetUntilTheResultReleasesThem() throws Exception {
        api.stubFor(get(urlPathEqualTo("/big")).willReturn(okJson("{\"data\":\"" + "x".repeat(10_000) + "\"}")));
        ByteBudget budget = new ByteBudget(15_000);
        HttpAdapter budgeted = new HttpAdapter(TransportUnderTest.of(Duration.ofSeconds(2), new OutboundPolicy(true)), new OutboundPolicy(true), Clock.systemUTC(), budget);

        AdapterResponse first = budgeted.execute(call(Map.of("method", "GET", "path", "/big"), Map.of(), AdapterCall.Auth.NONE,
                Duration.ofSeconds(2), 1_000_000));
        long held = budget.used();
        assertThat(held).as("the body (and, when it came gzipped, what arrived on the wire)").isGreaterThanOrEqualTo(first.body().length);

        assertThatThrownBy(() -> budgeted.execute(call(Map.of("method", "GET", "path", "/big"), Map.of(), AdapterCall.Auth.NONE,
                Duration.ofMillis(500), 1_000_000)))
                .as("a second body does not fit while the first is held: it waits until its deadline")
                .isInstanceOf(AdapterException.Timeout.class);
        assertThat(budget.used()).as("the refused body gave back what it had").isEqualTo(held);

        first.release();
        assertThat(budget.used()).isZero();
        AdapterResponse second = budgeted.execute(call(Map.of("method", "GET", "path", "/big"), Map.of(), AdapterCall.Auth.NONE,
                Duration.ofSeconds(2), 1_000_000));
        assertThat(second.body()).hasSize(first.body().length);
        second.release();
    }

    @Test
    void aBodyWaitingForTheBudgetDoesNotHoldUpTheClientsOtherCalls() throws Exception {
        api.stubFor(get(urlPathEqualTo("/big")).willReturn(okJson("{\"data\":\"" + "x".repeat(10_000) + "\"}")));
        api.stubFor(get(urlPathEqualTo("/small")).willReturn(okJson("{\"ok\":true}")));
        ByteBudget budget = new ByteBudget(15_000);
        HttpAdapter budgeted = new HttpAdapter(TransportUnderTest.of(Duration.ofSeconds(2), new OutboundPolicy(true)), new OutboundPolicy(true), Clock.systemUTC(), budget);
        AdapterResponse held = budgeted.execute(call(Map.of("method", "GET", "path", "/big"), Map.of(), AdapterCall.Auth.NONE,
                Duration.ofSeconds(2), 1_000_000));

        // More bodies waiting for the budget than the client has threads: none of them may block one.
        int waiting = 2 * Math.max(2, Runtime.getRuntime().availableProcessors());
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<Integer>> bigs = new java.util.ArrayList<>();
            for (int i = 0; i < waiting; i++) {
                bigs.add(threads.submit(() -> {
                    AdapterResponse r = budgeted.execute(call(Map.of("method", "GET", "path", "/big"), Map.of(), AdapterCall.Auth.NONE,
                            Duration.ofSeconds(10), 1_000_000));
                    r.release();
                    return r.body().length;
                }));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (api.getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().equals("/big")).count() < waiting + 1
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }

            AdapterResponse small = budgeted.execute(call(Map.of("method", "GET", "path", "/small"), Map.of(), AdapterCall.Auth.NONE,
                    Duration.ofSeconds(1), 1_000_000));
            assertThat(new String(small.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("ok");
            small.release();
            assertThat(bigs).as("the big bodies still wait for the budget").noneMatch(java.util.concurrent.Future::isDone);

            held.release();
            for (var big : bigs) {
                assertThat(big.get(10, java.util.concurrent.TimeUnit.SECONDS)).as("each waiting body is had once budget is free")
                        .isEqualTo(held.body().length);
            }
        }
        assertThat(budget.used()).isZero();
    }
}
