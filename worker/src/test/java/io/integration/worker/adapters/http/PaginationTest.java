package io.integration.worker.adapters.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.integration.registry.secret.Secret;
import io.integration.worker.adapter.AdapterCall;
import io.integration.worker.adapter.AdapterException;
import io.integration.worker.adapter.AdapterResponse;
import io.integration.worker.adapter.ByteBudget;
import io.integration.worker.adapter.OutboundPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** List methods whose pages are followed by cursor or by Link header, against a real HTTP server. */
class PaginationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private WireMockServer api;
    private final ByteBudget budget = new ByteBudget(1 << 20);
    private final HttpAdapter adapter = new HttpAdapter(TransportUnderTest.of(Duration.ofSeconds(2), new OutboundPolicy(true)), new OutboundPolicy(true),
            Clock.systemUTC(), budget);

    @BeforeEach
    void start() {
        api = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        api.start();
    }

    @AfterEach
    void stop() {
        api.stop();
        assertThat(budget.used()).as("bytes still reserved").isZero();
    }

    private AdapterCall call(Map<String, Object> pagination, long cap) {
        return new AdapterCall("req-1", "listContacts", "http://127.0.0.1:" + api.port(), Set.of("127.0.0.1"),
                Map.of("method", "GET", "path", "/contacts", "query", Map.of("limit", "2"), "pagination", pagination), Map.of(), Map.of(),
                new AdapterCall.Auth(Map.of(), Map.of("api_key", Secret.of("k-123"))), false, Duration.ofSeconds(5), cap);
    }

    private JsonNode collect(AdapterCall call) throws Exception {
        AdapterResponse response = adapter.execute(call);
        try {
            return JSON.readTree(response.body());
        } finally {
            response.release();
        }
    }

    @Test
    void aCursorInTheBodyIsFollowedUntilThereIsNone() throws Exception {
        api.stubFor(get(urlEqualTo("/contacts?limit=2&api_key=k-123")).willReturn(okJson(
                "{\"data\":{\"results\":[{\"id\":1},{\"id\":2}]},\"paging\":{\"next\":\"c2\"}}")));
        api.stubFor(get(urlEqualTo("/contacts?limit=2&after=c2&api_key=k-123")).willReturn(okJson(
                "{\"data\":{\"results\":[{\"id\":3}]},\"paging\":{\"next\":null}}")));

        JsonNode out = collect(call(Map.of("style", "cursor", "items", "data.results", "cursor", "paging.next", "cursorParam", "after"),
                1 << 20));

        assertThat(out).isEqualTo(JSON.readTree("{\"items\":[{\"id\":1},{\"id\":2},{\"id\":3}],\"pages\":2,\"complete\":true}"));
    }

    @Test
    void theLinkHeaderIsFollowedOnTheSameOriginWithTheCredentialAndStopsAtMaxPages() throws Exception {
        String base = "http://127.0.0.1:" + api.port();
        for (int page = 1; page <= 4; page++) {
            String url = page == 1 ? "/contacts?limit=2&api_key=k-123" : "/contacts?page=" + page + "&api_key=k-123";
            api.stubFor(get(urlEqualTo(url)).willReturn(okJson("[{\"page\":" + page + "}]")
                    .withHeader("Link", "<" + base + "/contacts?page=" + (page + 1) + ">; rel=\"next\", <" + base + "/contacts?page=9>; rel=\"last\"")));
        }

        JsonNode out = collect(call(Map.of("style", "link", "maxPages", 3), 1 << 20));

        assertThat(out.get("items")).hasSize(3);
        assertThat(out.get("pages").asInt()).isEqualTo(3);
        assertThat(out.get("complete").asBoolean()).as("stopped by maxPages, not by the last page").isFalse();
        api.verify(getRequestedFor(urlEqualTo("/contacts?page=3&api_key=k-123")));
    }

    @Test
    void aNextLinkToAnotherOriginTooManyBytesOrAPageWithoutItemsEndTheCallAndHoldNothing() {
        api.stubFor(get(urlPathEqualTo("/contacts")).willReturn(okJson("[{\"id\":1}]")
                .withHeader("Link", "<http://localhost:" + api.port() + "/contacts?page=2>; rel=\"next\"")));
        assertThatThrownBy(() -> collect(call(Map.of("style", "link"), 1 << 20))).isInstanceOf(AdapterException.DestinationNotAllowed.class)
                .hasMessageContaining("another origin");

        api.stubFor(get(urlPathEqualTo("/contacts")).willReturn(okJson("{\"items\":[\"" + "x".repeat(600) + "\"],\"next\":\"again\"}")));
        assertThatThrownBy(() -> collect(call(Map.of("style", "cursor", "items", "items", "cursor", "next", "cursorParam", "c"), 1000)))
                .isInstanceOf(AdapterException.ResponseTooLarge.class).hasMessageContaining("2 pages");

        api.stubFor(get(urlPathEqualTo("/contacts")).willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"rows\":1}")));
        assertThatThrownBy(() -> collect(call(Map.of("style", "cursor", "items", "items", "cursor", "next", "cursorParam", "c"), 1000)))
                .isInstanceOf(AdapterException.UpstreamError.class).hasMessageContaining("no array at 'items'");

        assertThatThrownBy(() -> collect(call(Map.of("style", "cursor"), 1000))).isInstanceOf(AdapterException.InvalidCall.class)
                .hasMessageContaining("cursorParam");
    }

    @Test
    void anApiThatSendsTheSameNextPageAgainOrAnOddCursorIsAnErrorNotRepeatedData() {
        api.stubFor(get(urlPathEqualTo("/contacts")).willReturn(okJson("{\"items\":[1],\"next\":\"same\"}")));
        assertThatThrownBy(() -> collect(call(Map.of("style", "cursor", "items", "items", "cursor", "next", "cursorParam", "c"), 1 << 20)))
                .isInstanceOf(AdapterException.UpstreamError.class).hasMessageContaining("points back to a page already read");

        api.stubFor(get(urlPathEqualTo("/contacts")).willReturn(okJson("{\"items\":[1],\"next\":{\"after\":\"x\"}}")));
        assertThatThrownBy(() -> collect(call(Map.of("style", "cursor", "items", "items", "cursor", "next", "cursorParam", "c"), 1 << 20)))
                .isInstanceOf(AdapterException.UpstreamError.class).hasMessageContaining("expected: a text or number cursor");
    }

    @Test
    void linkHeadersAreReadAsRfc8288SaysInOnePass() throws Exception {
        assertThat(LinkHeader.next("<https://a/x?page=2>; rel=\"next\", <https://a/x?page=9>; rel=\"last\"")).isEqualTo("https://a/x?page=2");
        assertThat(LinkHeader.next("<https://a/p?a=1,2>; rel=\"prev\", <https://a/n>; rel=\"next last\"")).isEqualTo("https://a/n");
        assertThat(LinkHeader.next("<u>; title=\"x;rel=next\"; rel=prev")).as("a quoted ; is text").isNull();
        assertThat(LinkHeader.next("<u>; rel=nextpage")).isNull();
        assertThat(LinkHeader.next("<".repeat(100_000))).as("no closing >: read once, nothing found").isNull();
        assertThatThrownBy(() -> Pages.nextLink(java.util.List.of("<u>; rel=next, " + "<v>;".repeat(3000)), java.net.URI.create("http://h/"),
                java.net.URI.create("http://h/"), "GET /x")).isInstanceOf(AdapterException.UpstreamError.class).hasMessageContaining("at most 8192");
    }
}
