package io.integration.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.integration.avro.IntegrationRequest;
import io.integration.wire.AvroWireCodec;
import io.integration.wire.SchemaRegistryClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The hostile requests of {@link Scenario#HOSTILE}: one kind per permanent fault or hostile input of issue #9,
 * what the worker's contract promises for each, and its record. They go to the ordinary requests topic keyed
 * by instances whose partitions carry ordinary traffic, so one that stalled would stall ordinary requests.
 *
 * <p>Each request has a label: its request id, except where the request id itself is the hostile part
 * (CR/LF, too long). The stub's call log and the report use labels ({@code params.rid} carries it).
 */
final class Hostile {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern POISON = Pattern.compile("poison-\\d+");

    /** Where a request's outcome must appear. */
    enum Landing { RESULTS, REPLIES, DEAD_LETTER }

    /**
     * What the contract promises for one kind of request.
     *
     * @param code     the result's {@code error.code}; null for SUCCESS and for a dead letter
     * @param stage    the dead letter's {@code integration.error.stage} header (DEAD_LETTER only)
     * @param mentions a word the error message must contain (the field a VALIDATION_ERROR names), or null
     * @param calls    the external calls the request causes
     */
    record Expected(Landing landing, String code, String stage, String mentions, int calls) {

        static final Expected SUCCESS = new Expected(Landing.RESULTS, null, null, null, 1);

        static Expected error(String code, String mentions, int calls) {
            return new Expected(Landing.RESULTS, code, null, mentions, calls);
        }

        static Expected deadLetter(String stage) {
            return new Expected(Landing.DEAD_LETTER, null, stage, null, 0);
        }

        String describe() {
            return switch (landing) {
                case DEAD_LETTER -> "dead letter (stage " + stage + ")";
                case REPLIES -> "SUCCESS on " + Cluster.REPLIES;
                case RESULTS -> (code == null ? "SUCCESS" : code + (mentions == null ? "" : " naming " + mentions)) + " on " + Cluster.RESULTS;
            } + ", " + calls + " call(s)";
        }
    }

    /** The kinds, how many of each a run sends, and what each must end as. */
    enum Kind {
        /** A 2.5 MB JSON body through a definition allowing 4 MiB: the result cannot fit a 1 MiB record. */
        RESULT_TOO_LARGE(2, Expected.error("RESULT_TOO_LARGE", null, 1)),
        REPLY_TO_INVALID(2, Expected.error("REPLY_TO_NOT_ALLOWED", null, 0)),
        REPLY_TO_EVENTS(2, Expected.error("REPLY_TO_NOT_ALLOWED", null, 0)),
        REPLY_TO_INTERNAL(2, Expected.error("REPLY_TO_NOT_ALLOWED", null, 0)),
        /** The control: a {@code replies.*} topic is allowed by default. */
        REPLY_TO_ALLOWED(2, new Expected(Landing.REPLIES, null, null, null, 1)),
        CORRELATION_ID_CRLF(1, Expected.error("VALIDATION_ERROR", "correlationId", 0)),
        ATTRIBUTES_COUNT(1, Expected.error("VALIDATION_ERROR", "attributes", 0)),
        ATTRIBUTES_BYTES(1, Expected.error("VALIDATION_ERROR", "attributes", 0)),
        PARAMS_BYTES(1, Expected.error("VALIDATION_ERROR", "params", 0)),
        /** A 429 with {@code Retry-After: 86400}, past the 15 min cap, on an unordered request of its own instance. */
        RETRY_AFTER_A_DAY(1, Expected.error("RATE_LIMIT_EXCEEDED", null, 1)),
        REQUEST_ID_CRLF(2, Expected.deadLetter("VALIDATION")),
        REQUEST_ID_TOO_LONG(1, Expected.deadLetter("VALIDATION")),
        /** Undecodable, produced while the DLT topic does not exist. */
        POISON_WHILE_DLT_MISSING(4, Expected.deadLetter("DESERIALIZATION")),
        /** Avro with a schema id no worker has fetched, produced while the registry is down. */
        AVRO_WHILE_REGISTRY_DOWN(4, Expected.SUCCESS);

        final int count;
        final Expected expected;

        Kind(int count, Expected expected) {
            this.count = count;
            this.expected = expected;
        }

        /** Poison keeps the name {@link Generator#poison} writes into its bytes. */
        String label(int i) {
            return this == POISON_WHILE_DLT_MISSING ? "poison-" + i : "h-" + name().toLowerCase(Locale.ROOT).replace('_', '-') + "-" + i;
        }
    }

    /** One hostile request. */
    record Request(String label, String requestId, Kind kind, ProducerRecord<byte[], byte[]> record) {
    }

    private final List<Request> requests = new ArrayList<>();
    private final Map<String, String> labelByRequestId = new HashMap<>();
    private final AvroWireCodec<IntegrationRequest> avro;
    private int nextInstance;

    /** Builds every hostile request; encodes the Avro ones now, so the registry must be up. */
    Hostile(String registryUrl) {
        this.avro = AvroWireCodec.of(IntegrationRequest.class, SchemaRegistryClient.forUrl(registryUrl));
        for (Kind kind : Kind.values()) {
            for (int i = 0; i < kind.count; i++) {
                add(kind, i);
            }
        }
    }

    List<Request> all() {
        return List.copyOf(requests);
    }

    /** The records of the kinds {@code which} accepts, in plan order. */
    List<ProducerRecord<byte[], byte[]>> records(Predicate<Kind> which) {
        return requests.stream().filter(r -> which.test(r.kind())).map(Request::record).toList();
    }

    /** The label of a request id seen in a result; an ordinary request's label is its id. */
    String labelOfRequestId(String requestId) {
        return labelByRequestId.getOrDefault(requestId, requestId);
    }

    /** The label of a requests-topic (or dead-letter) value: Avro, JSON, or poison; null if unrecognisable. */
    String labelOf(byte[] value) {
        if (value != null && value.length > 0 && value[0] == AvroWireCodec.MAGIC_BYTE) {
            return labelOfRequestId(avro.decode(value).getRequestId());
        }
        try {
            JsonNode json = JSON.readTree(value);
            if (json != null && json.hasNonNull("requestId")) {
                return labelOfRequestId(json.get("requestId").asText());
            }
        } catch (IOException undecodable) {
            // poison: named by its bytes below
        }
        Matcher poison = POISON.matcher(new String(value == null ? new byte[0] : value, StandardCharsets.UTF_8));
        return poison.find() ? poison.group() : null;
    }

    private void add(Kind kind, int i) {
        String label = kind.label(i);
        String instance = switch (kind) {
            case RESULT_TOO_LARGE -> Cluster.hostileInstance("big");
            case RETRY_AFTER_A_DAY -> Cluster.hostileInstance("limited");
            default -> Cluster.instance(nextInstance++ % Cluster.INSTANCES);
        };
        String method = switch (kind) {
            case RESULT_TOO_LARGE -> "big";
            case RETRY_AFTER_A_DAY -> "limited";
            default -> "call";
        };
        ObjectNode params = JSON.createObjectNode().put("instance", instance).put("key", "hostile").put("seq", 0).put("rid", label);
        ObjectNode json = JSON.createObjectNode().put("requestId", label).put("integrationInstanceId", instance).put("methodName", method);
        switch (kind) {
            case REPLY_TO_INVALID -> json.put("replyTo", "not a topic!");
            case REPLY_TO_EVENTS -> json.put("replyTo", Cluster.EVENTS);
            case REPLY_TO_INTERNAL -> json.put("replyTo", "__consumer_offsets");
            case REPLY_TO_ALLOWED -> json.put("replyTo", Cluster.REPLIES);
            case CORRELATION_ID_CRLF -> json.put("correlationId", "corr-" + i + "\r\nX-Injected: yes");
            case ATTRIBUTES_COUNT -> {
                ObjectNode attributes = json.putObject("attributes");
                for (int a = 0; a < 100; a++) {
                    attributes.put("attr-" + a, "v");
                }
            }
            case ATTRIBUTES_BYTES -> json.putObject("attributes").put("a", "x".repeat(10_000)).put("b", "y".repeat(10_000));
            case PARAMS_BYTES -> params.put("padding", "p".repeat(300_000));
            case REQUEST_ID_CRLF -> json.put("requestId", label + "\r\nX-Injected: yes");
            case REQUEST_ID_TOO_LONG -> json.put("requestId", label + "-" + "l".repeat(300));
            default -> { }
        }
        json.set("params", params);
        byte[] value = switch (kind) {
            case POISON_WHILE_DLT_MISSING -> Generator.poison(i, instance).value();
            case AVRO_WHILE_REGISTRY_DOWN -> avro.encode(Cluster.input() + "-value", IntegrationRequest.newBuilder()
                    .setRequestId(label).setIntegrationInstanceId(instance).setMethodName(method).setParams(params.toString()).build());
            default -> json.toString().getBytes(StandardCharsets.UTF_8);
        };
        String requestId = kind == Kind.POISON_WHILE_DLT_MISSING ? label : json.get("requestId").asText();
        labelByRequestId.put(requestId, label);
        requests.add(new Request(label, requestId, kind, new ProducerRecord<>(Cluster.input(), instance.getBytes(StandardCharsets.UTF_8), value)));
    }
}
