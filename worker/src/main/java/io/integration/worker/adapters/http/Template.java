package io.integration.worker.adapters.http;

import io.integration.worker.adapter.AdapterException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands {@code {params.x}}, {@code {config.x}} and {@code {x}} (short for {@code {params.x}}) in path,
 * query and header templates. Dotted paths reach into nested objects. A placeholder without a value is
 * an error naming it.
 */
final class Template {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_.-]*)}");

    private Template() {
    }

    /**
     * Expands a path template: each value percent-encoded as one segment ({@code /} included), and {@code .} or
     * {@code ..} refused — encoded or not, servers resolve them as dot-segments, which would climb out of the path.
     */
    static String expandPath(String template, Map<String, Object> params, Map<String, Object> config) throws AdapterException.InvalidCall {
        return expand(template, params, config, Template::encode, true);
    }

    /** Expands {@code template}, passing each value through {@code encode}. */
    static String expand(String template, Map<String, Object> params, Map<String, Object> config, UnaryOperator<String> encode)
            throws AdapterException.InvalidCall {
        return expand(template, params, config, encode, false);
    }

    private static String expand(String template, Map<String, Object> params, Map<String, Object> config, UnaryOperator<String> encode,
                                 boolean pathSegments) throws AdapterException.InvalidCall {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            Object value = name.startsWith("config.") ? lookup(config, name.substring(7))
                    : lookup(params, name.startsWith("params.") ? name.substring(7) : name);
            if (value == null || value instanceof Map || value instanceof List) {
                throw new AdapterException.InvalidCall("placeholder {" + name + "} in '" + template + "' has "
                        + (value == null ? "no value" : "a non-scalar value") + " (expected: a string, number or boolean)");
            }
            String text = String.valueOf(value);
            if (pathSegments && (text.equals(".") || text.equals(".."))) {
                throw new AdapterException.InvalidCall("placeholder {" + name + "} in path '" + template + "' is '" + text
                        + "' (expected: a value that is not a dot-segment)");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(encode.apply(text)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Percent-encodes one path segment or query component. */
    static String encode(String raw) {
        return URLEncoder.encode(raw, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Object lookup(Map<String, Object> root, String dotted) {
        Object current = root;
        for (String part : dotted.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }
}
