package io.integration.worker.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.integration.worker.adapter.AdapterException;
import io.integration.worker.adapter.AdapterResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Collects the pages of a list method ({@link Pagination}) into one answer {@code {items, pages, complete}}. Every page
 * is a call inside the same deadline, and the pages together stay under the call's size cap and hold their bytes of
 * the worker's budget (one reservation grows with each page). A next page on another origin is refused: it would get
 * the call's credential.
 */
final class Pages {

    /** Reads one page. */
    @FunctionalInterface
    interface Fetch {
        AdapterResponse page(URI uri) throws AdapterException;
    }

    /** The URI of the page after {@code cursor} (cursor style). */
    @FunctionalInterface
    interface CursorUri {
        URI of(String cursor) throws AdapterException;
    }

    private static final ObjectMapper JSON = io.integration.worker.adapters.AdapterJson.mapper();
    /** The longest Link header read: a page's links take a few hundred bytes; a huge one is not a paging API's. */
    static final int MAX_LINK_CHARS = 8192;

    private Pages() {
    }

    static AdapterResponse collect(Pagination pagination, URI first, long maxBytes, long deadlineNanos, String what, Fetch fetch,
                                   CursorUri cursorUri) throws AdapterException {
        ArrayNode items = JSON.createArrayNode();
        AdapterResponse kept = null;
        long bytes = 0;
        int pages = 0;
        boolean complete = false;
        URI next = first;
        Set<String> seen = new HashSet<>(Set.of(first.toString()));
        try {
            while (true) {
                AdapterResponse page = fetch.page(next);
                pages++;
                bytes += page.body().length;
                if (kept == null) {
                    kept = page;
                } else {
                    try {
                        grow(kept, page.body().length, deadlineNanos, what);
                    } finally {
                        page.release();
                    }
                }
                if (bytes > maxBytes) {
                    throw new AdapterException.ResponseTooLarge(what + ": " + pages + " pages came to more than " + maxBytes + " bytes");
                }
                JsonNode body = read(page, pages, what);
                JsonNode pageItems = at(body, pagination.items());
                if (!pageItems.isArray()) {
                    throw new AdapterException.UpstreamError(what + ": page " + pages + " has no array at '" + pagination.items() + "'",
                            null, false);
                }
                items.addAll((ArrayNode) pageItems);
                URI after = switch (pagination.style()) {
                    case CURSOR -> {
                        JsonNode cursor = at(body, pagination.cursor());
                        if (cursor.isMissingNode() || cursor.isNull() || (cursor.isTextual() && cursor.asText().isEmpty())) {
                            yield null;
                        }
                        if (!cursor.isTextual() && !cursor.isNumber()) {
                            throw new AdapterException.UpstreamError(what + ": page " + pages + " gives a " + cursor.getNodeType()
                                    .name().toLowerCase(Locale.ROOT) + " at '" + pagination.cursor() + "' (expected: a text or number cursor)",
                                    null, false);
                        }
                        yield cursorUri.of(cursor.asText());
                    }
                    case LINK -> nextLink(page.headers().get("link"), next, first, what);
                };
                if (after == null) {
                    complete = true;
                    break;
                }
                if (!seen.add(after.toString())) {
                    // A broken API that sends the same next page again would have the same items collected maxPages times.
                    throw new AdapterException.UpstreamError(what + ": page " + pages + " points back to a page already read", null, false);
                }
                if (pages >= pagination.maxPages()) {
                    break;
                }
                next = after;
            }
        } catch (AdapterException | RuntimeException e) {
            if (kept != null) {
                kept.release();
            }
            throw e;
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.set("items", items);
        answer.put("pages", pages).put("complete", complete);
        return new AdapterResponse(kept.status(), kept.headers(), answer.toString().getBytes(StandardCharsets.UTF_8), kept.reservation());
    }

    private static void grow(AdapterResponse kept, long more, long deadlineNanos, String what) throws AdapterException {
        if (kept.reservation() == null) {
            return;
        }
        try {
            if (!kept.reservation().grow(more, deadlineNanos)) {
                throw new AdapterException.Timeout(what + ": the pages did not fit the worker's response budget before the deadline");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdapterException.Timeout(what + " was interrupted (worker shutting down)");
        }
    }

    private static JsonNode read(AdapterResponse page, int number, String what) throws AdapterException {
        try {
            JsonNode body = JSON.readTree(page.body());
            return body == null ? JSON.missingNode() : body;
        } catch (IOException e) {
            throw new AdapterException.UpstreamError(what + ": page " + number + " is not JSON", null, false);
        }
    }

    /** {@code a.b.c} in {@code node}; the node itself for an empty path. */
    static JsonNode at(JsonNode node, String path) {
        JsonNode out = node;
        if (path == null || path.isEmpty()) {
            return out;
        }
        for (String part : path.split("\\.")) {
            out = out.path(part);
        }
        return out;
    }

    /**
     * The {@code rel="next"} target of RFC 8288 {@code Link} headers, resolved against {@code current}; null when none.
     * Read in one pass (a hostile header cannot make it slow), quoted parameter values honoured, {@code rel} taken as a
     * space-separated list of relation types.
     */
    static URI nextLink(List<String> headers, URI current, URI first, String what) throws AdapterException {
        if (headers == null) {
            return null;
        }
        for (String header : headers) {
            if (header.length() > MAX_LINK_CHARS) {
                throw new AdapterException.UpstreamError(what + ": a Link header of " + header.length() + " characters (expected: at most "
                        + MAX_LINK_CHARS + ")", null, false);
            }
            String target = LinkHeader.next(header);
            if (target != null) {
                URI next;
                try {
                    next = current.resolve(target.strip());
                } catch (IllegalArgumentException e) {
                    throw new AdapterException.UpstreamError(what + ": the next-page link is not a URL", null, false);
                }
                if (!first.getScheme().equalsIgnoreCase(next.getScheme()) || next.getHost() == null
                        || !first.getHost().equalsIgnoreCase(next.getHost()) || port(first) != port(next)) {
                    throw new AdapterException.DestinationNotAllowed(what + ": the next-page link goes to another origin ("
                            + next.getScheme() + "://" + next.getHost() + "), which would get the call's credential");
                }
                return next;
            }
        }
        return null;
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
