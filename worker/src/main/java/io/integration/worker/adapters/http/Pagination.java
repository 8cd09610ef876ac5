package io.integration.worker.adapters.http;

import io.integration.worker.adapter.AdapterException;
import java.util.Map;

/**
 * How a list method's pages are followed ({@code http.pagination}): by a cursor the body gives for the next page, sent
 * back as a query parameter, or by the {@code Link: <...>; rel="next"} header (RFC 8288). Pages are collected into
 * {@code {items, pages, complete}} until there is no next page or {@code maxPages} were read ({@code complete: false}).
 *
 * @param items dot path of the array of each page's items ({@code data.items}; empty: the page is the array)
 * @param cursor dot path of the next cursor in each page (cursor style)
 * @param cursorParam the query parameter the cursor goes back in (cursor style)
 */
record Pagination(Style style, String items, String cursor, String cursorParam, int maxPages) {

    /** How the next page is found. */
    enum Style { CURSOR, LINK }

    /** The most pages a method may read (each one is a call inside the same deadline and size cap). */
    static final int MAX_PAGES = 100;

    static Pagination from(String methodName, Object value) throws AdapterException.InvalidCall {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw invalid(methodName, "", "is not an object");
        }
        Style style;
        try {
            style = Style.valueOf(String.valueOf(map.get("style")).toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(methodName, ".style", "is '" + map.get("style") + "' (expected: cursor or link)");
        }
        String items = map.get("items") instanceof String s ? s : "";
        String cursor = map.get("cursor") instanceof String s ? s : null;
        String cursorParam = map.get("cursorParam") instanceof String s ? s : null;
        if (style == Style.CURSOR && (cursor == null || cursor.isBlank() || cursorParam == null || cursorParam.isBlank())) {
            throw invalid(methodName, "", "cursor style needs cursor (where the next cursor is) and cursorParam (the query parameter it goes in)");
        }
        Object pages = map.containsKey("maxPages") ? map.get("maxPages") : 10;
        if (!(pages instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < 1 || n.intValue() > MAX_PAGES) {
            throw invalid(methodName, ".maxPages", "is '" + pages + "' (expected: an integer 1.." + MAX_PAGES + ")");
        }
        return new Pagination(style, items, cursor, cursorParam, n.intValue());
    }

    private static AdapterException.InvalidCall invalid(String methodName, String field, String problem) {
        return new AdapterException.InvalidCall("method '" + methodName + "': http.pagination" + field + " " + problem);
    }
}
