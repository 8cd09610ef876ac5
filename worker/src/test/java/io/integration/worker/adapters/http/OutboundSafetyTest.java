package io.integration.worker.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.integration.registry.secret.Secret;
import io.integration.worker.adapter.AdapterCall;
import io.integration.worker.adapter.AdapterException;
import io.integration.worker.adapter.OutboundPolicy;
import io.integration.worker.adapter.PinningResolverProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SSRF corpus against the strict policy: every URL is refused and not one connection reaches a canary listening on
 * loopback. The port rule is opened for the canary's port, so each refusal comes from the address, scheme or host rules.
 */
class OutboundSafetyTest {

    private ServerSocket canary;
    private final AtomicInteger canaryConnections = new AtomicInteger();
    private HttpServer partner;
    private final AtomicInteger partnerCalls = new AtomicInteger();
    private int port;
    private HttpAdapter adapter;

    @BeforeEach
    void start() throws IOException {
        canary = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        port = canary.getLocalPort();
        Thread.ofVirtual().start(() -> {
            while (!canary.isClosed()) {
                try (Socket ignored = canary.accept()) {
                    canaryConnections.incrementAndGet();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        // A vouched partner on loopback that redirects every call to the canary.
        partner = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        partner.createContext("/", exchange -> {
            partnerCalls.incrementAndGet();
            exchange.getResponseHeaders().set("Location", exchange.getRequestURI().getPath().equals("/go")
                    ? "http://127.0.0.1:" + port + "/latest/meta-data/" : "/ok");
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/ok") ? 200 : 302, -1);
            exchange.close();
        });
        partner.start();
        OutboundPolicy strict = new OutboundPolicy(false, List.of(), Set.of(port, partner.getAddress().getPort()),
                Map.of("partner.example.test", "127.0.0.1"));
        adapter = new HttpAdapter(TransportUnderTest.of(Duration.ofSeconds(2), strict), strict, Clock.systemUTC());
        PinningResolverProvider.simulate("metadata.google.internal", "169.254.169.254");
        PinningResolverProvider.simulate("internal.example.test", "10.0.0.5");
        PinningResolverProvider.simulate("dual.example.test", "93.184.216.34", "::1");
    }

    @AfterEach
    void stop() throws IOException {
        canary.close();
        partner.stop(0);
    }

    private AdapterCall call(String baseUrl, String host, String path, int redirects) {
        return new AdapterCall("req-1", "m", baseUrl, Set.of(host), Map.of("method", "GET", "path", path, "followRedirects", redirects),
                Map.of(), Map.of(), new AdapterCall.Auth(Map.of("Authorization", Secret.of("Bearer never-leaves")), Map.of()), true,
                Duration.ofSeconds(2), 10_000);
    }

    @Test
    void everyUrlOfTheCorpusIsRefusedAndNoConnectionReachesTheCanary() {
        List<String> corpus = List.of("http://127.0.0.1:%d", "http://127.1:%d", "http://0:%d", "http://0.0.0.0:%d", "http://2130706433:%d",
                "http://0127.0.0.1:%d", "http://02130706433:%d", "http://[::7f00:1]:%d", "http://[64:ff9b::7f00:1]:%d",
                "http://0x7f000001:%d", "http://0177.0.0.1:%d", "http://[::1]:%d", "http://[::ffff:127.0.0.1]:%d",
                "http://169.254.169.254:%d/latest", "http://metadata.google.internal:%d", "http://localhost.:%d", "http://LOCALHOST:%d",
                "http://user@127.0.0.1:%d", "http://internal.example.test:%d", "http://dual.example.test:%d",
                "file:///etc/passwd", "gopher://127.0.0.1:%d", "jar:file:/tmp/x.jar!");
        List<String> notRefused = new ArrayList<>();
        for (String template : corpus) {
            String base = template.formatted(port);
            URI uri = URI.create(base);
            // The definition allows the very host of the URL: each refusal must come from the rules past allowedHosts.
            String host = uri.getHost() != null ? uri.getHost() : uri.getRawAuthority() == null ? "127.0.0.1"
                    : uri.getRawAuthority().replaceAll(":\\d*$", "").replaceAll("^.*@", "");
            host = host.replaceAll("^\\[(.*)]$", "$1");
            try {
                adapter.execute(call(base, host.endsWith(".") ? host.substring(0, host.length() - 1) : host, "/x", 0));
                notRefused.add(base + ": answered");
            } catch (AdapterException.DestinationNotAllowed refused) {
                assertThat(refused.getMessage()).as(base).doesNotContain("never-leaves").doesNotContain("allowedHosts");
            } catch (AdapterException other) {
                notRefused.add(base + ": " + other.getClass().getSimpleName() + " " + other.getMessage());
            }
        }

        assertThat(notRefused).isEmpty();
        assertThat(canaryConnections.get()).as("connections that reached the canary").isZero();
        assertThat(PinningResolverProvider.pinnedCount()).as("pins left by finished calls").isZero();
    }

    @Test
    void aRedirectFromAnAllowedHostToLoopbackIsRefusedAtTheHopAndTheVouchedHostItselfWorks() throws Exception {
        String base = "http://partner.example.test:" + partner.getAddress().getPort();
        AdapterCall toCanary = new AdapterCall("req-2", "m", base, Set.of("partner.example.test", "127.0.0.1"),
                Map.of("method", "GET", "path", "/go", "followRedirects", 3), Map.of(), Map.of(), AdapterCall.Auth.NONE, true,
                Duration.ofSeconds(2), 10_000);

        assertThatThrownBy(() -> adapter.execute(toCanary)).isInstanceOf(AdapterException.DestinationNotAllowed.class)
                .hasMessageContaining("127.0.0.1").hasMessageContaining("Loopback");
        assertThat(canaryConnections.get()).isZero();
        assertThat(partnerCalls.get()).isEqualTo(1);

        // Not vacuous: the vouched name is reachable, and a same-origin redirect is followed when allowed.
        assertThat(adapter.execute(call(base, "partner.example.test", "/start", 2)).status()).isEqualTo(200);
        assertThatThrownBy(() -> adapter.execute(call(base, "partner.example.test", "/start", 0)))
                .isInstanceOfSatisfying(AdapterException.UpstreamStatus.class, e -> assertThat(e.status()).isEqualTo(302));
    }

    @Test
    void theAddressCheckedIsTheAddressConnectedToEvenWhenDnsChangesItsAnswer() throws Exception {
        OutboundPolicy allowOne = new OutboundPolicy(false, List.of("198.51.100.7/32"), Set.of(port), Map.of());
        PinningResolverProvider.simulate("rebind.example.test", "198.51.100.7");
        // The URL spells the host with a trailing dot and capitals: the pin must answer the client's spelling too.
        OutboundPolicy.Hold hold = allowOne.check(URI.create("http://Rebind.Example.Test.:" + port), Set.of("rebind.example.test"));

        PinningResolverProvider.simulate("rebind.example.test", "127.0.0.1"); // the attacker's DNS changes its answer

        assertThat(InetAddress.getAllByName("Rebind.Example.Test.")).extracting(InetAddress::getHostAddress).containsExactly("198.51.100.7");
        hold.close();
        assertThatThrownBy(() -> allowOne.check(URI.create("http://rebind.example.test:" + port), Set.of("rebind.example.test")))
                .isInstanceOf(AdapterException.DestinationNotAllowed.class).hasMessageContaining("127.0.0.1");
        assertThat(OutboundPolicy.pinsAddresses()).isTrue();
    }

    @Test
    void aCrossOriginHopCarriesNeitherTheCredentialNorTheDefinitionsHeaders() throws Exception {
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", exchange -> {
            seen.add(exchange.getRequestHeaders().getFirst("Authorization") + "|" + exchange.getRequestHeaders().getFirst("X-Tenant"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        other.start();
        HttpServer hop = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hop.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Location", "http://other.example.test:" + other.getAddress().getPort() + "/landing");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        hop.start();
        try {
            OutboundPolicy policy = new OutboundPolicy(false, List.of(), Set.of(hop.getAddress().getPort(), other.getAddress().getPort()),
                    Map.of("hop.example.test", "127.0.0.1", "other.example.test", "127.0.0.1"));
            HttpAdapter strict = new HttpAdapter(TransportUnderTest.of(Duration.ofSeconds(2), policy), policy, Clock.systemUTC());
            AdapterCall call = new AdapterCall("req-3", "m", "http://hop.example.test:" + hop.getAddress().getPort(),
                    Set.of("hop.example.test", "other.example.test"), Map.of("method", "GET", "path", "/start", "followRedirects", 1,
                    "headers", Map.of("X-Tenant", "{config.tenant}")), Map.of(), Map.of("tenant", "acme-internal"),
                    new AdapterCall.Auth(Map.of("Authorization", Secret.of("Bearer never-leaves")), Map.of()), true, Duration.ofSeconds(2), 10_000);

            assertThat(strict.execute(call).status()).isEqualTo(200);
            assertThat(seen).containsExactly("null|null");
        } finally {
            hop.stop(0);
            other.stop(0);
        }
    }

    @Test
    void portsOtherThan80And443AreRefusedUnlessAllowedAndNumericHostsAreReadAsTheirAddress() {
        OutboundPolicy strict = OutboundPolicy.strict();
        assertThatThrownBy(() -> strict.check(URI.create("https://api.example.com:8443/x"), Set.of("api.example.com")))
                .isInstanceOf(AdapterException.DestinationNotAllowed.class).hasMessageContaining("port 8443");
        assertThatThrownBy(() -> strict.check(URI.create("http://0x7f.1/"), Set.of("0x7f.1")))
                .isInstanceOf(AdapterException.DestinationNotAllowed.class).hasMessageContaining("reads 127.0.0.1");
        assertThatThrownBy(() -> strict.check(URI.create("http://0127.0.0.1/"), Set.of("0127.0.0.1")))
                .isInstanceOf(AdapterException.DestinationNotAllowed.class).hasMessageContaining("non-canonical");
        PinningResolverProvider.simulate("public.example.test", "93.184.216.34");
        org.assertj.core.api.Assertions.assertThatCode(() -> strict.check(URI.create("https://public.example.test/x"),
                Set.of("*.example.test")).close()).doesNotThrowAnyException();
    }
}
