package io.integration.adapterkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.integration.adapterkit.ContractUpstream.Answer;
import io.integration.adapterkit.ContractUpstream.Behaviour;
import io.integration.adapterkit.ContractUpstream.Received;
import io.integration.registry.AdapterDescriptor;
import io.integration.registry.JsonSchemas;
import io.integration.registry.secret.Secret;
import io.integration.worker.adapter.Adapter;
import io.integration.worker.adapter.AdapterCall;
import io.integration.worker.adapter.AdapterContext;
import io.integration.worker.adapter.AdapterException;
import io.integration.worker.adapter.AdapterProvider;
import io.integration.worker.adapter.AdapterResponse;
import io.integration.worker.adapter.ByteBudget;
import io.integration.worker.adapter.OutboundPolicy;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every adapter passes, built-in or plugin (the idea of Micrometer's TCK): extend it, say which provider
 * to test, how a method binds to it, and how its protocol answers; the kit runs the adapter against a real HTTP server
 * ({@link ContractUpstream}) and checks what the worker relies on:
 * <ul>
 *   <li>the provider describes itself: a valid type and version, JSON Schemas the kit's binding and config satisfy;</li>
 *   <li>a success carries the system's answer, and the response's bytes go back to the worker's budget;</li>
 *   <li>the timeout covers the whole exchange (a body that never ends is a {@code Timeout}, retriable);</li>
 *   <li>retriable and permanent failures are told apart at the edge; an unreachable system is retriable;</li>
 *   <li>a body over the call's cap is refused ({@code ResponseTooLarge}, permanent) without holding the budget;</li>
 *   <li>no secret of the call appears in an error, even when the system echoes the request back;</li>
 *   <li>a destination the outbound rules forbid is refused before any connection;</li>
 *   <li>one adapter serves concurrent calls, each getting its own answer.</li>
 * </ul>
 * Every test ends with no byte of the budget still reserved: a failure path that keeps a reservation leaks memory.
 * The adapter under test talks HTTP (as every adapter shipped does, often through the built-in http adapter); the
 * answers default to a JSON API's (200 with {@code {"value"}}, 400, 503), to be overridden where the protocol differs.
 */
public abstract class AdapterContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "kit-secret-" + UUID.randomUUID();
    private static final Duration GENEROUS = Duration.ofSeconds(10);
    private static final java.util.regex.Pattern MARKER = java.util.regex.Pattern.compile("kit-marker-[0-9a-f]{12}");

    private ContractUpstream upstream;
    private ByteBudget budget;
    private Adapter adapter;

    /** The provider of the adapter under test. */
    protected abstract AdapterProvider provider();

    /** The binding of the method the kit calls, as a definition's method section would hold it. */
    protected abstract Map<String, Object> binding();

    /** The definition's {@code adapter.config} for the kit's calls; none by default. */
    protected Map<String, Object> adapterConfig() {
        return Map.of();
    }

    /**
     * The auth every call of the kit carries; none by default. An adapter that needs a credential to work at all (the
     * webhook adapter's signing key) gives it here; the kit adds its own secret headers to it where it checks redaction.
     */
    protected AdapterCall.Auth auth() {
        return AdapterCall.Auth.NONE;
    }

    /**
     * How the system answers a successful call whose result is {@code value} (the kit's marker, in the params). By
     * default a JSON API: 200 {@code {"value": value}}.
     */
    protected Answer success(Received request, String value) {
        return Answer.json(200, Json.object("value", value));
    }

    /** How the system refuses a call for good (a bad request), saying {@code message}. By default 400 with a JSON message. */
    protected Answer permanentFailure(Received request, String message) {
        return Answer.json(400, Json.object("message", message));
    }

    /** How the system fails a call that may succeed later (overloaded, down), saying {@code message}. By default 503. */
    protected Answer retriableFailure(Received request, String message) {
        return Answer.json(503, Json.object("message", message));
    }

    /** The value an answer built by {@link #success} carries, read from the adapter's response. Default: JSON {@code value}. */
    protected String valueOf(AdapterResponse response) throws IOException {
        return JSON.readTree(response.body()).path("value").asText(null);
    }

    /** The marker the kit put in a request's params, found wherever the adapter put it (path, query, header or body). */
    protected static String markerIn(Received request) {
        java.util.regex.Matcher m = MARKER.matcher(request.all());
        return m.find() ? m.group() : "no-marker";
    }

    @BeforeEach
    void startUpstream() {
        upstream = ContractUpstream.start();
        budget = new ByteBudget(64L * 1024 * 1024);
        adapter = create(new OutboundPolicy(true));
    }

    @AfterEach
    void checkTheBudgetAndStop() {
        upstream.close();
        assertThat(budget.used()).as("response bytes still reserved after the test (a path that never released them)").isZero();
    }

    @Test
    void theProviderDescribesItself() {
        AdapterProvider provider = provider();
        AdapterDescriptor descriptor = AdapterDescriptor.of(provider.type(), provider.version(), "kit", provider.configSchema(),
                provider.bindingSchema());

        assertThat(provider.type()).matches("[a-z][a-z0-9_-]{0,31}");
        assertThat(JsonSchemas.validate("binding", descriptor.bindingSchema(), JSON.valueToTree(binding())))
                .as("the kit's binding satisfies the adapter's bindingSchema").isEmpty();
        assertThat(JsonSchemas.validate("adapter.config", descriptor.configSchema(), JSON.valueToTree(adapterConfig())))
                .as("the kit's config satisfies the adapter's configSchema").isEmpty();
    }

    @Test
    void aSuccessCarriesTheSystemsAnswerAndGivesItsBytesBack() throws Exception {
        upstream.behave(new Behaviour.Respond(r -> success(r, markerIn(r))));
        String marker = marker();

        AdapterResponse response = adapter.execute(call(upstream.url(), marker, GENEROUS, 1 << 20, auth()));
        try {
            assertThat(valueOf(response)).isEqualTo(marker);
        } finally {
            response.release();
        }
        assertThat(upstream.received()).hasSize(1);
    }

    @Test
    void aBodyThatNeverEndsIsATimeoutOfTheWholeExchange() {
        upstream.behave(new Behaviour.StallBody(200));

        AdapterException failure = assertTimeoutPreemptively(GENEROUS, () -> catchThrowableOfType(AdapterException.class,
                () -> adapter.execute(call(upstream.url(), marker(), Duration.ofMillis(300), 1 << 20, auth()))));

        assertThat(failure).as("a stalled body within a 300 ms timeout").isInstanceOf(AdapterException.Timeout.class);
        assertThat(failure.retriable()).isTrue();
    }

    @Test
    void aRetriableFailureIsRetriableAndAPermanentOneIsNot() {
        upstream.behave(new Behaviour.Respond(r -> retriableFailure(r, "try later")));
        AdapterException later = catchThrowableOfType(AdapterException.class,
                () -> adapter.execute(call(upstream.url(), marker(), GENEROUS, 1 << 20, auth())));
        upstream.behave(new Behaviour.Respond(r -> permanentFailure(r, "never")));
        AdapterException never = catchThrowableOfType(AdapterException.class,
                () -> adapter.execute(call(upstream.url(), marker(), GENEROUS, 1 << 20, auth())));

        assertThat(later).as("a retriable failure").isNotNull();
        assertThat(later.retriable()).isTrue();
        assertThat(never).as("a permanent failure").isNotNull();
        assertThat(never.retriable()).isFalse();
    }

    @Test
    void anUnreachableSystemIsRetriable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        AdapterException failure = catchThrowableOfType(AdapterException.class,
                () -> adapter.execute(call("http://127.0.0.1:" + closedPort, marker(), GENEROUS, 1 << 20, auth())));

        assertThat(failure).isNotNull();
        assertThat(failure.retriable()).isTrue();
    }

    @Test
    void aBodyOverTheCapIsRefusedForGood() {
        upstream.behave(new Behaviour.Large(200, 512 * 1024));

        AdapterException failure = catchThrowableOfType(AdapterException.class,
                () -> adapter.execute(call(upstream.url(), marker(), GENEROUS, 16 * 1024, auth())));

        assertThat(failure).isInstanceOf(AdapterException.ResponseTooLarge.class);
        assertThat(failure.retriable()).isFalse();
    }

    @Test
    void noSecretOfTheCallAppearsInAnErrorEvenWhenTheSystemEchoesTheRequest() {
        AdapterCall.Auth base = auth().withHeaders(Map.of("Authorization", Secret.of("Bearer " + SECRET)));
        AdapterCall.Auth auth = new AdapterCall.Auth(base.headers(), Map.of("api_key", Secret.of(SECRET + "-q")), base.signingKey());
        String signingKey = auth.signingKey() == null ? SECRET : auth.signingKey().reveal();
        List<String> messages = new ArrayList<>();
        for (boolean retriable : new boolean[] {false, true}) {
            upstream.behave(new Behaviour.Respond(r -> retriable ? retriableFailure(r, r.all()) : permanentFailure(r, r.all())));
            AdapterException failure = catchThrowableOfType(AdapterException.class,
                    () -> adapter.execute(call(upstream.url(), marker(), GENEROUS, 1 << 20, auth)));
            assertThat(failure).isNotNull();
            for (Throwable t = failure; t != null; t = t.getCause()) {
                messages.add(String.valueOf(t.getMessage()));
            }
        }

        assertThat(upstream.received()).as("the secret was sent").allSatisfy(r -> assertThat(r.all()).contains(SECRET));
        assertThat(messages).noneSatisfy(m -> assertThat(m).contains(SECRET));
        assertThat(messages).noneSatisfy(m -> assertThat(m).contains(signingKey));
    }

    @Test
    void aDestinationTheOutboundRulesForbidIsRefusedBeforeAnyConnection() {
        Adapter strict = create(new OutboundPolicy(false));
        upstream.behave(new Behaviour.Respond(r -> success(r, markerIn(r))));

        AdapterException failure = catchThrowableOfType(AdapterException.class,
                () -> strict.execute(call(upstream.url(), marker(), GENEROUS, 1 << 20, auth())));

        assertThat(failure).isInstanceOf(AdapterException.DestinationNotAllowed.class);
        assertThat(upstream.received()).as("requests that reached a loopback system under the strict rules").isEmpty();
    }

    @Test
    void concurrentCallsEachGetTheirOwnAnswer() throws Exception {
        upstream.behave(new Behaviour.Respond(r -> success(r, markerIn(r))));
        int threads = 8;
        int callsEach = 40;
        List<Future<Integer>> wrong = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                wrong.add(pool.submit(() -> {
                    int mismatches = 0;
                    for (int i = 0; i < callsEach; i++) {
                        String marker = marker();
                        AdapterResponse response = adapter.execute(call(upstream.url(), marker, GENEROUS, 1 << 20, auth()));
                        try {
                            mismatches += marker.equals(valueOf(response)) ? 0 : 1;
                        } finally {
                            response.release();
                        }
                    }
                    return mismatches;
                }));
            }
        }
        int total = 0;
        for (Future<Integer> f : wrong) {
            total += f.get();
        }

        assertThat(total).as("answers carrying another call's value").isZero();
        assertThat(upstream.received()).hasSize(threads * callsEach);
    }

    private Adapter create(OutboundPolicy policy) {
        return provider().create(new AdapterContext(policy, Clock.systemUTC(), budget));
    }

    private AdapterCall call(String baseUrl, String marker, Duration timeout, long maxBytes, AdapterCall.Auth auth) {
        return new AdapterCall("kit-" + marker, "probe", baseUrl, Set.of("127.0.0.1"), binding(), Map.of("marker", marker), Map.of(),
                auth, false, timeout, maxBytes, null, adapterConfig());
    }

    private static String marker() {
        return "kit-marker-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
