package io.integration.worker.messaging.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.integration.worker.execution.ErrorCode;
import io.integration.worker.messaging.RequestSummaries;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What an operator asks to replay: records of one topic (the requests or their dead letters) within a time range or
 * offset ranges, filtered, at a bounded rate, for a stated reason.
 *
 * @param from first record time (inclusive), or null: the topic's beginning (with {@code offsets}: null)
 * @param to end record time (exclusive), or null: the end of the topic when the replay starts
 * @param offsets per partition, the first and last offset to read (both inclusive); empty: every partition, by time
 * @param dryRun count what would be replayed, produce nothing
 * @param ratePerSecond most records produced per second
 * @param force replay requests that already succeeded (they call the external system again) and requests not answered yet
 * @param reason why: kept in the audit record and the replay's record
 */
public record ReplaySpec(Source source, Instant from, Instant to, Map<Integer, Offsets> offsets, Filter filter, boolean dryRun,
                         int ratePerSecond, boolean force, String reason) {

    public static final int DEFAULT_RATE = 100;
    public static final int MAX_RATE = 100_000;
    public static final int MAX_REASON_CHARS = 500;
    public static final int MAX_LISTED = 10_000;
    /** The longest id or name a filter lists (request ids, instance ids, methods are far shorter). */
    public static final int MAX_VALUE_CHARS = 256;

    /** The topic to read: the requests topic, or the dead-letter topic (a DLT re-drive). */
    public enum Source { REQUESTS, DLT }

    /** First and last offset to read in one partition, both inclusive. */
    public record Offsets(long from, long to) {
    }

    /** Which records to replay; an empty set admits every value. */
    public record Filter(Set<String> instanceIds, Set<String> methods, Set<String> errorCodes, Set<String> requestIds) {

        public Filter {
            instanceIds = Set.copyOf(instanceIds);
            methods = Set.copyOf(methods);
            errorCodes = Set.copyOf(errorCodes);
            requestIds = Set.copyOf(requestIds);
        }

        /** Whether the record's own fields pass (the error code is checked against its recorded result). */
        boolean admits(RequestSummaries.Summary request) {
            return (instanceIds.isEmpty() || instanceIds.contains(request.instanceId()))
                    && (methods.isEmpty() || methods.contains(request.methodName()))
                    && (requestIds.isEmpty() || requestIds.contains(request.requestId()));
        }
    }

    /** A field of a replay request that cannot be used: {@link #field} names it as the API body does. */
    public static final class InvalidSpecException extends IllegalArgumentException {
        private final String field;
        private final String problem;

        public InvalidSpecException(String field, String problem) {
            super(field + ": " + problem);
            this.field = field;
            this.problem = problem;
        }

        public String field() {
            return field;
        }

        /** What is wrong with the field and what is expected, without its name. */
        public String problem() {
            return problem;
        }
    }

    public ReplaySpec {
        if (source == null) {
            throw new InvalidSpecException("source", "missing (expected: requests or dlt)");
        }
        offsets = offsets == null ? Map.of() : Map.copyOf(offsets);
        if (!offsets.isEmpty() && (from != null || to != null)) {
            throw new InvalidSpecException("offsets", "given with from/to (expected: a time range or offset ranges, not both)");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new InvalidSpecException("to", to + " is not after from " + from + " (expected: a later time)");
        }
        offsets.forEach((partition, range) -> {
            if (partition < 0 || range.from() < 0 || range.to() < range.from()) {
                throw new InvalidSpecException("offsets." + partition, range.from() + "-" + range.to()
                        + " (expected: a partition >= 0 and offsets 0 <= from <= to)");
            }
        });
        if (filter == null) {
            filter = new Filter(Set.of(), Set.of(), Set.of(), Set.of());
        }
        for (String code : filter.errorCodes()) {
            if (Arrays.stream(ErrorCode.values()).noneMatch(c -> c.name().equals(code))) {
                throw new InvalidSpecException("errorCodes", "'" + code + "' (expected: one of " + Arrays.toString(ErrorCode.values()) + ")");
            }
        }
        if (filter.requestIds().size() + filter.instanceIds().size() + filter.methods().size() > MAX_LISTED) {
            throw new InvalidSpecException("requestIds", "more than " + MAX_LISTED + " values in the filters (expected: at most "
                    + MAX_LISTED + "; replay a range by time or offsets instead)");
        }
        if (ratePerSecond < 1 || ratePerSecond > MAX_RATE) {
            throw new InvalidSpecException("rate", ratePerSecond + " (expected: records per second, 1.." + MAX_RATE + ")");
        }
        if (reason == null || reason.isBlank()) {
            throw new InvalidSpecException("reason", "missing (expected: why this replay is run, kept in the audit log)");
        }
        reason = reason.strip();
        if (reason.length() > MAX_REASON_CHARS || reason.chars().anyMatch(c -> c < 0x20)) {
            throw new InvalidSpecException("reason", "too long or with control characters (expected: one line of at most "
                    + MAX_REASON_CHARS + " characters)");
        }
    }

    /** This replay's parameters as {@code POST /replays} takes them, without the unset ones (to show and to keep). */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("source", source.name().toLowerCase(java.util.Locale.ROOT));
        if (from != null) {
            out.put("from", from.toString());
        }
        if (to != null) {
            out.put("to", to.toString());
        }
        if (!offsets.isEmpty()) {
            Map<String, Object> ranges = new java.util.LinkedHashMap<>();
            new TreeMap<>(offsets).forEach((p, r) -> {
                Map<String, Object> range = new java.util.LinkedHashMap<>();
                range.put("from", r.from());
                range.put("to", r.to());
                ranges.put(Integer.toString(p), range);
            });
            out.put("offsets", ranges);
        }
        putSorted(out, "instanceIds", filter.instanceIds());
        putSorted(out, "methods", filter.methods());
        putSorted(out, "errorCodes", filter.errorCodes());
        putSorted(out, "requestIds", filter.requestIds());
        out.put("dryRun", dryRun);
        out.put("rate", ratePerSecond);
        out.put("force", force);
        out.put("reason", reason);
        return out;
    }

    private static void putSorted(Map<String, Object> out, String field, Set<String> values) {
        if (!values.isEmpty()) {
            out.put(field, values.stream().sorted().toList());
        }
    }

    /** Fields of the API body, as {@code POST /replays} takes them. */
    private static final Set<String> FIELDS = Set.of("source", "from", "to", "offsets", "instanceIds", "methods", "errorCodes",
            "requestIds", "dryRun", "rate", "force", "reason");

    /**
     * Reads the body of {@code POST /replays}: {@code {source, from, to, offsets: {"<partition>": {from, to}}, instanceIds,
     * methods, errorCodes, requestIds, dryRun, rate, force, reason}}; every field is checked and named when wrong.
     */
    public static ReplaySpec fromJson(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidSpecException("body", "not a JSON object (expected: {source, reason, ...})");
        }
        body.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                throw new InvalidSpecException(name, "unknown field (expected one of " + new java.util.TreeSet<>(FIELDS) + ")");
            }
        });
        String source = text(body, "source");
        Source parsed = switch (source == null ? "requests" : source) {
            case "requests" -> Source.REQUESTS;
            case "dlt" -> Source.DLT;
            default -> throw new InvalidSpecException("source", "'" + source + "' (expected: requests or dlt)");
        };
        return new ReplaySpec(parsed, instant(body, "from"), instant(body, "to"), offsets(body.get("offsets")),
                new Filter(strings(body, "instanceIds"), strings(body, "methods"), strings(body, "errorCodes"), strings(body, "requestIds")),
                bool(body, "dryRun"), body.hasNonNull("rate") ? integer(body, "rate") : DEFAULT_RATE, bool(body, "force"), text(body, "reason"));
    }

    private static Map<Integer, Offsets> offsets(JsonNode node) {
        Map<Integer, Offsets> out = new TreeMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new InvalidSpecException("offsets", "not an object (expected: {\"<partition>\": {\"from\": n, \"to\": m}})");
        }
        node.properties().forEach(e -> {
            int partition;
            try {
                partition = Integer.parseInt(e.getKey());
            } catch (NumberFormatException x) {
                throw new InvalidSpecException("offsets." + e.getKey(), "not a partition number (expected: an integer >= 0)");
            }
            JsonNode range = e.getValue();
            if (!range.isObject() || !range.path("from").canConvertToLong() || !range.path("to").canConvertToLong()
                    || !range.path("from").isIntegralNumber() || !range.path("to").isIntegralNumber()) {
                throw new InvalidSpecException("offsets." + e.getKey(), range + " (expected: {\"from\": n, \"to\": m}, integers)");
            }
            out.put(partition, new Offsets(range.get("from").asLong(), range.get("to").asLong()));
        });
        return out;
    }

    private static Set<String> strings(JsonNode body, String field) {
        JsonNode node = body.get(field);
        Set<String> out = new LinkedHashSet<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new InvalidSpecException(field, node.getNodeType().name().toLowerCase() + " (expected: an array of strings)");
        }
        for (JsonNode item : node) {
            if (!item.isTextual() || item.asText().isBlank() || item.asText().length() > MAX_VALUE_CHARS
                    || item.asText().chars().anyMatch(Character::isISOControl)) {
                throw new InvalidSpecException(field, abbreviated(item.toString()) + " (expected: non-empty strings of at most "
                        + MAX_VALUE_CHARS + " characters, without control characters)");
            }
            out.add(item.asText());
        }
        return out;
    }

    private static Instant instant(JsonNode body, String field) {
        String value = text(body, field);
        if (value == null) {
            return null;
        }
        try {
            Instant instant = Instant.parse(value);
            instant.toEpochMilli(); // Kafka's timestamps are epoch milliseconds: an instant beyond them is refused here
            return instant;
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new InvalidSpecException(field, "'" + value + "' (expected: an ISO-8601 instant like 2026-12-02T10:00:00Z)");
        }
    }

    private static String abbreviated(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidSpecException(field, node + " (expected: a string)");
        }
        return node.asText();
    }

    private static boolean bool(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new InvalidSpecException(field, node + " (expected: true or false)");
        }
        return node.asBoolean();
    }

    private static int integer(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new InvalidSpecException(field, node + " (expected: an integer)");
        }
        return node.asInt();
    }
}
