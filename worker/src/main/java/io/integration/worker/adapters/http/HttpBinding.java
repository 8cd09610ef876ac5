package io.integration.worker.adapters.http;

import io.integration.worker.adapter.AdapterException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A method's {@code http} section: {@code method}, {@code path} template, optional {@code query} and
 * {@code headers} templates, and {@code body} ({@code params} — the default for POST, PUT and PATCH — or
 * {@code none}), {@code followRedirects}, {@code requestFormat} (how the body is written: {@code json}, {@code form},
 * {@code xml}, {@code csv}), {@code xmlRoot} (the root element of an xml body, default {@code request}) and
 * {@code pagination} (see {@link Pagination}).
 */
record HttpBinding(String verb, String path, Map<String, String> query, Map<String, String> headers, boolean sendParamsAsBody,
                   int followRedirects, BodyFormats.Format format, String xmlRoot, Pagination pagination) {

    /** The most redirects a method may follow. */
    static final int MAX_REDIRECTS = 10;

    private static final Set<String> VERBS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");

    static HttpBinding from(String methodName, Map<String, Object> binding) throws AdapterException.InvalidCall {
        Object verbValue = binding.get("method");
        Object pathValue = binding.get("path");
        String verb = verbValue == null ? null : verbValue.toString().toUpperCase(Locale.ROOT);
        if (verb == null || !VERBS.contains(verb)) {
            throw new AdapterException.InvalidCall("method '" + methodName + "': http.method is '" + verbValue + "' (expected: one of " + VERBS + ")");
        }
        if (!(pathValue instanceof String path) || !path.startsWith("/")) {
            throw new AdapterException.InvalidCall("method '" + methodName + "': http.path is '" + pathValue + "' (expected: a template starting with /)");
        }
        Object body = binding.getOrDefault("body", verb.equals("POST") || verb.equals("PUT") || verb.equals("PATCH") ? "params" : "none");
        if (!"params".equals(body) && !"none".equals(body)) {
            throw new AdapterException.InvalidCall("method '" + methodName + "': http.body is '" + body + "' (expected: params or none)");
        }
        Object redirects = binding.getOrDefault("followRedirects", 0);
        if (!(redirects instanceof Number n) || n.intValue() < 0 || n.intValue() > MAX_REDIRECTS || n.doubleValue() != n.intValue()) {
            throw new AdapterException.InvalidCall("method '" + methodName + "': http.followRedirects is '" + redirects
                    + "' (expected: an integer 0.." + MAX_REDIRECTS + "; 0, the default, follows none)");
        }
        return new HttpBinding(verb, path, strings(binding.get("query")), strings(binding.get("headers")), "params".equals(body),
                ((Number) redirects).intValue(), BodyFormats.Format.named(methodName, binding.get("requestFormat")),
                binding.get("xmlRoot") instanceof String root ? root : "request", Pagination.from(methodName, binding.get("pagination")));
    }

    private static Map<String, String> strings(Object value) {
        Map<String, String> out = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        }
        return out;
    }
}
