package io.integration.worker.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The text forms of the outbound settings, shared by the worker's keys ({@code outbound.allow.ranges},
 * {@code outbound.allow.ports}, {@code outbound.hosts}) and the API's variables ({@code API_OUTBOUND_*}); each error names
 * the key and the expected value.
 */
public final class OutboundText {

    private OutboundText() {
    }

    /** Comma-separated CIDR blocks ({@code 10.1.2.0/24,fd00:1::/64}); checked for form here, for meaning by the policy. */
    public static List<String> ranges(String key, String v) {
        if (v == null || v.isBlank()) {
            return List.of();
        }
        List<String> out = new java.util.ArrayList<>();
        for (String item : v.split(",")) {
            String range = item.trim();
            if (!range.matches("^[0-9a-fA-F:.]+(/\\d{1,3})?$")) {
                throw new IllegalArgumentException(key + ": '" + range + "' (expected: comma-separated CIDR blocks, e.g. 10.1.2.0/24,fd00:1::/64)");
            }
            out.add(range);
        }
        return List.copyOf(out);
    }

    public static Set<Integer> ports(String key, String v) {
        if (v == null || v.isBlank()) {
            return Set.of();
        }
        Set<Integer> out = new java.util.TreeSet<>();
        for (String item : v.split(",")) {
            try {
                int port = Integer.parseInt(item.trim());
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
                out.add(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": '" + item.trim() + "' (expected: comma-separated ports 1..65535, e.g. 8443,9443)");
            }
        }
        return Set.copyOf(out);
    }

    /** {@code name=address,...}: names the operator vouches for, mapped to their addresses. */
    public static Map<String, String> hosts(String key, String v) {
        if (v == null || v.isBlank()) {
            return Map.of();
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String item : v.split(",")) {
            String[] pair = item.trim().split("=", 2);
            if (pair.length != 2 || pair[0].isBlank() || !pair[1].trim().matches("^[0-9a-fA-F:.]+$")) {
                throw new IllegalArgumentException(key + ": '" + item.trim() + "' (expected: comma-separated name=IP, e.g. crm.partner.internal=10.1.2.3)");
            }
            out.put(pair[0].trim().toLowerCase(java.util.Locale.ROOT), pair[1].trim());
        }
        return Map.copyOf(out);
    }
}
