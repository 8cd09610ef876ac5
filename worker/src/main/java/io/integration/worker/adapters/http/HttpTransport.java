package io.integration.worker.adapters.http;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * How the http adapter exchanges one request for one answer: the JDK's HTTP client ({@link JdkTransport}) or Jetty's
 * ({@link JettyTransport}), chosen by {@code http.client}. Everything else (URLs, headers, redirects, the outbound
 * checks, statuses, body formats) is the adapter's, the same for both.
 */
interface HttpTransport {

    /** The values {@code http.client} takes. */
    List<String> KINDS = List.of("jetty", "jdk");

    /**
     * Sends {@code request}. The answer's body is read into the {@link CappedBody} that {@code body} makes once the headers
     * are in (it may be asked for after the caller gave up: see {@code HttpAdapter.Body}). Cancelling the returned future
     * aborts the exchange.
     */
    CompletableFuture<Answer> send(Outgoing request, Supplier<CappedBody> body);

    /**
     * A transport of {@code kind} (one of {@link #KINDS}) with this connect timeout; {@code policy} checks the addresses of
     * every connection it opens (the adapter checks and pins each call's host; a client that opens connections on its own
     * schedule checks them again).
     */
    static HttpTransport of(String kind, Duration connectTimeout, io.integration.worker.adapter.OutboundPolicy policy) {
        return switch (kind) {
            case "jdk" -> new JdkTransport(connectTimeout);
            case "jetty" -> new JettyTransport(connectTimeout, policy);
            default -> throw new IllegalArgumentException("http.client: '" + kind + "' (expected one of " + KINDS + ")");
        };
    }

    /**
     * A request as the adapter built it.
     *
     * @param headers checked by {@link HeaderRules}; names compare without case
     * @param body    the bytes to send, or null for none
     * @param timeout what is left of the call's deadline when it is sent
     */
    record Outgoing(String verb, URI uri, Map<String, String> headers, byte[] body, Duration timeout) {
        static Map<String, String> newHeaders() {
            return new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        }
    }

    /**
     * An answer.
     *
     * @param headers names compare without case
     */
    record Answer(int status, Map<String, List<String>> headers, byte[] body) {

        /** The first value of header {@code name}. */
        Optional<String> header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        static Map<String, List<String>> newHeaders() {
            return new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        }
    }

    /**
     * What a request's headers may hold, checked here for both clients (the JDK's refuses these with a message that may
     * carry the value; Jetty's would send them): a token as the name, no CR, LF or other control character in the value,
     * and none of the headers the client itself owns.
     */
    final class HeaderRules {
        private static final java.util.Set<String> OWNED_BY_THE_CLIENT = java.util.Set.of("connection", "content-length", "expect",
                "host", "upgrade", "transfer-encoding", "te", "keep-alive", "trailer");

        private HeaderRules() {
        }

        /** Null when {@code name: value} may be sent, else why not (never the value: it may be a secret). */
        static String refusal(String name, String value) {
            if (name == null || name.isEmpty() || !name.chars().allMatch(HeaderRules::tokenChar)) {
                return "header name '" + name + "' is not an HTTP token (expected: letters, digits and !#$%&'*+-.^_`|~)";
            }
            if (OWNED_BY_THE_CLIENT.contains(name.toLowerCase(Locale.ROOT))) {
                return "header '" + name + "' is set by the HTTP client, not by a definition or a credential";
            }
            if (value == null) {
                return "header '" + name + "': no value";
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    return "header '" + name + "': value not allowed in an HTTP header (expected: no CR, LF or other control characters)";
                }
                if (c > 0xff) {
                    return "header '" + name + "': value has a character outside ISO-8859-1, which an HTTP header cannot carry"
                            + " (expected: Latin-1 text; encode others, e.g. percent-encoding)";
                }
            }
            return null;
        }

        private static boolean tokenChar(int c) {
            return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
        }
    }
}
